// Small enhancements; every page works without them.
import { initAll } from "/govuk/govuk-frontend.min.js";

initAll();

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 200;
const HEIGHT = 440;
const DRAFT_PREFIX = "harbour-draft:";

function label(area) {
  const text = area.replaceAll("_", " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function regionsOf(svg) {
  return svg.dataset.regions.split(";").map((part) => {
    const [area, x0, y0, x1, y1] = part.split(",");
    return { area, x0: +x0, y0: +y0, x1: +x1, y1: +y1 };
  });
}

function areaAt(svg, px, py) {
  const hit = regionsOf(svg).find((r) => r.x0 <= px && px <= r.x1 && r.y0 <= py && py <= r.y1);
  return hit ? hit.area : null;
}

function drawMark(svg, x, y, kind, number) {
  const marks = svg.querySelector(".harbour-body-map__marks");
  const circle = document.createElementNS(SVG, "circle");
  circle.setAttribute("class", `harbour-mark harbour-mark--${kind}`);
  circle.setAttribute("cx", String(x * WIDTH));
  circle.setAttribute("cy", String(y * HEIGHT));
  circle.setAttribute("r", "6");
  const text = document.createElementNS(SVG, "text");
  text.setAttribute("class", "harbour-mark__number");
  text.setAttribute("x", String(x * WIDTH + 8));
  text.setAttribute("y", String(y * HEIGHT + 4));
  text.textContent = String(number);
  marks.append(circle, text);
  return [circle, text];
}

function addMark(form, mark) {
  const list = form.querySelector("#marks");
  const template = form.querySelector("#mark-template");
  const svg = form.querySelector(`svg[data-view="${mark.view}"]`);
  if (!list || !template || !svg) return null;
  const number = list.children.length + 1;
  const item = template.content.firstElementChild.cloneNode(true);
  const id = `mark-${number}-${Date.now()}`;
  item.querySelector('[data-slot="title"]').textContent =
    `Mark ${number}: ${label(mark.area)} (${mark.view})`;
  for (const name of ["view", "x", "y", "area"]) {
    item.querySelector(`[name="mark_${name}"]`).value = String(mark[name]);
  }
  const kind = item.querySelector('[name="mark_kind"]');
  kind.id = `${id}-kind`;
  kind.value = mark.kind || "bruise";
  item.querySelector('[data-slot="kind-label"]').textContent = `Type of mark ${number}`;
  item.querySelector('[data-slot="kind-label"]').htmlFor = kind.id;
  const note = item.querySelector('[name="mark_note"]');
  note.id = `${id}-note`;
  note.value = mark.note || "";
  item.querySelector('[data-slot="note-label"]').textContent = `Note on mark ${number}`;
  item.querySelector('[data-slot="note-label"]').htmlFor = note.id;
  const drawn = drawMark(svg, +mark.x, +mark.y, kind.value, number);
  kind.addEventListener("change", () =>
    drawn[0].setAttribute("class", `harbour-mark harbour-mark--${kind.value}`),
  );
  const remove = item.querySelector('[data-slot="remove"]');
  remove.textContent = `Remove mark ${number}`;
  remove.addEventListener("click", () => {
    item.remove();
    drawn.forEach((node) => node.remove());
    saveDraft(form);
  });
  list.append(item);
  return item;
}

function enhanceBodyMap(form) {
  for (const svg of form.querySelectorAll("svg.harbour-body-map__svg--interactive")) {
    svg.addEventListener("click", (event) => {
      const point = svg.createSVGPoint();
      point.x = event.clientX;
      point.y = event.clientY;
      const local = point.matrixTransform(svg.getScreenCTM().inverse());
      const area = areaAt(svg, local.x, local.y);
      if (!area) return; // outside the body
      const item = addMark(form, {
        view: svg.dataset.view,
        x: (local.x / WIDTH).toFixed(3),
        y: (local.y / HEIGHT).toFixed(3),
        area,
        kind: "bruise",
        note: "",
      });
      saveDraft(form);
      item?.querySelector('[name="mark_kind"]').focus();
    });
  }
}

// The draft lives in this tab's sessionStorage (gone when the tab closes), so a dropped
// connection or a reload loses nothing, and the Idempotency-Key stays the same: a retry
// can never record the concern twice.
function draftKey(form) {
  return DRAFT_PREFIX + form.dataset.draftKey;
}

function saveDraft(form) {
  const fields = [];
  const marks = [];
  for (const item of form.querySelectorAll("#marks > li")) {
    const value = (name) => item.querySelector(`[name="mark_${name}"]`).value;
    marks.push({
      view: value("view"), x: value("x"), y: value("y"), area: value("area"),
      kind: value("kind"), note: value("note"),
    });
  }
  for (const element of form.elements) {
    if (!element.name || element.name === "csrf_token" || element.name.startsWith("mark_")) continue;
    if (element.name.startsWith("new_mark_") || element.type === "submit") continue;
    if ((element.type === "checkbox" || element.type === "radio") && !element.checked) continue;
    fields.push([element.name, element.value]);
  }
  sessionStorage.setItem(draftKey(form), JSON.stringify({ fields, marks }));
}

function restoreDraft(form) {
  const saved = sessionStorage.getItem(draftKey(form));
  if (!saved) return;
  const { fields, marks } = JSON.parse(saved);
  const others = fields.filter(([name]) => name === "other_pupil").map(([, value]) => value);
  const parts = fields.filter(([name]) => name === "other_part").map(([, value]) => value);
  if (!form.querySelector('[name="other_pupil"]')) addOthers(form, others, parts);
  for (const [name, value] of fields) {
    if (name === "other_pupil" || name === "other_part") continue;
    const elements = form.querySelectorAll(`[name="${CSS.escape(name)}"]`);
    if (name === "pupil" && ![...elements].some((e) => e.value === value)) {
      addPupilChoice(form, value);
      continue;
    }
    for (const element of elements) {
      if (element.type === "checkbox" || element.type === "radio") {
        if (element.value === value) element.checked = true;
      } else {
        element.value = value;
      }
    }
  }
  for (const mark of marks) addMark(form, mark);
  form.querySelector("#draft-note")?.removeAttribute("hidden");
}

// Other pupils named in a draft come back as the hidden inputs the page sends them with.
function addOthers(form, others, parts) {
  const fieldset = form.querySelector("#others fieldset");
  if (!fieldset || others.length === 0) return;
  const list = document.createElement("ul");
  list.className = "govuk-list";
  others.forEach((value, i) => {
    const item = document.createElement("li");
    const pupil = Object.assign(document.createElement("input"), { type: "hidden", name: "other_pupil", value });
    const part = Object.assign(document.createElement("input"), { type: "hidden", name: "other_part", value: parts[i] || "other" });
    item.append(pupil, part, `${value.split("|")[1] || value.split("|")[0]}: ${(parts[i] || "other").replaceAll("_", " ")}`);
    list.append(item);
  });
  fieldset.querySelector(".govuk-hint")?.after(list);
}

function addPupilChoice(form, value) {
  const search = form.querySelector(".harbour-search");
  const [, text] = value.split("|");
  const wrapper = document.createElement("div");
  wrapper.className = "govuk-radios";
  wrapper.id = "pupil-choices";
  const item = document.createElement("div");
  item.className = "govuk-radios__item";
  const input = document.createElement("input");
  Object.assign(input, { className: "govuk-radios__input", id: "pupil-restored", name: "pupil", type: "radio", value, checked: true });
  const lab = document.createElement("label");
  lab.className = "govuk-label govuk-radios__label";
  lab.htmlFor = input.id;
  lab.textContent = text || value;
  item.append(input, lab);
  wrapper.append(item);
  search?.after(wrapper);
}

const form = document.querySelector("#concern-form");
if (form) {
  enhanceBodyMap(form);
  if (form.dataset.fresh === "true") {
    restoreDraft(form);
  }
  saveDraft(form);
  form.addEventListener("input", () => saveDraft(form));
  form.addEventListener("change", () => saveDraft(form));
  form.addEventListener("submit", () => saveDraft(form));
}

// A concern that arrived, or a sign-out: no draft stays behind.
if (document.querySelector("#concern-recorded, #signed-out")) {
  for (const key of Object.keys(sessionStorage)) {
    if (key.startsWith(DRAFT_PREFIX)) sessionStorage.removeItem(key);
  }
}

// The alerts inbox refreshes itself, unless the user is in the middle of using it.
const inbox = document.querySelector("#alerts-list[data-refresh-seconds]");
if (inbox) {
  const seconds = Math.max(2, Number(inbox.dataset.refreshSeconds) || 20);
  setInterval(async () => {
    if (inbox.contains(document.activeElement)) return;
    try {
      const response = await fetch(window.location.pathname, { credentials: "same-origin" });
      if (!response.ok || response.redirected) return;
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.querySelector("#alerts-list");
      if (fresh && fresh.innerHTML !== inbox.innerHTML) inbox.innerHTML = fresh.innerHTML;
    } catch {
      // Offline for a moment: the next tick tries again.
    }
  }, seconds * 1000);
}

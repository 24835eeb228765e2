"""Two trusts with two schools each, a user of every role in each school and the trust-wide
users of each trust, and one object of every kind at one school (the target), all made
through the services' own APIs. The tenant matrix and the fuzzing use it.

Objects are made by the entries of KINDS, in order: adding a kind of object is one entry
(a function that makes it and says which path parameters it fills). Every write the world
makes is recorded with its body, so a later caller can replay exactly that write as
somebody else; every object's ids and a distinctive word in its free text are the target's
*markers*: none may appear in a successful answer to anyone outside the target school
(trust-wide users of its trust excepted).
"""

from __future__ import annotations

import json
import secrets
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx

from contracts.envelope import utc_now
from services.intake.domain.signatures import sign
from tests.support.api import bearer, eventually, token

SCHOOL_ROLES = ("staff", "dsl", "deputy_dsl", "headteacher", "chair_of_governors", "admin")
TRUST_WIDE_ROLES = ("trust_safeguarding_lead", "admin")
SERVICES = ("intake", "case", "notification", "records")


@dataclass(frozen=True)
class Who:
    """A signed-in user: a role at a school, or trust-wide (school None)."""

    role: str
    trust_id: str
    school_id: str | None
    user_id: str

    @property
    def headers(self) -> dict[str, str]:
        return bearer(token(self.user_id, self.role, school=self.school_id, trust=self.trust_id))

    @property
    def label(self) -> str:
        return f"{self.role}@{self.school_id or self.trust_id + ' (trust-wide)'}"


@dataclass(frozen=True)
class Write:
    """A write the world made, to replay as someone else."""

    service: str
    method: str
    template: str
    path: str
    body: Any
    content_type: str = "application/json"
    who: Who | None = None  # who made it (None: recorded, not made)
    answer: httpx.Response | None = None  # what the service answered the world


@dataclass
class Site:
    """One school of the world, with the ids of its objects by path parameter name."""

    trust_id: str
    school_id: str
    urn: str
    label: str
    ids: dict[str, str] = field(default_factory=dict)
    markers: set[str] = field(default_factory=set)
    # An object with people of its own (an adult case): by the path parameter naming it,
    # the users who may reach it; by marker, the users who may see it (nobody else may,
    # whatever their role or school).
    audiences: dict[str, set[str]] = field(default_factory=dict)
    private: dict[str, set[str]] = field(default_factory=dict)

    def mark(self, prefix: str) -> str:
        """A word that can only have come from this school's data."""
        word = f"{prefix}{self.label}{uuid.uuid4().hex[:10]}"
        self.markers.add(word)
        return word


@dataclass
class World:
    http: dict[str, httpx.AsyncClient]
    sites: list[Site]
    people: list[Who]
    writes: dict[tuple[str, str, str], Write] = field(default_factory=dict)
    asked: list[Write] = field(default_factory=list)  # requests made to see them refused
    sender_secret: str = ""
    sender_id: str = ""
    service_by_url: dict[str, str] = field(default_factory=dict)
    # The services' databases by service name (tests.integration.conftest's `mongo`), for
    # what only a store holds: a one-time link's token, sent by e-mail.
    mongo: Callable[[str], Any] | None = None

    @property
    def target(self) -> Site:
        return self.sites[0]

    def at(self, site: Site, role: str) -> Who:
        return next(w for w in self.people if w.school_id == site.school_id and w.role == role)

    def trust_wide(self, site: Site, role: str) -> Who:
        return next(
            w
            for w in self.people
            if w.school_id is None and w.trust_id == site.trust_id and w.role == role
        )

    async def write(
        self,
        who: Who,
        service: str,
        method: str,
        template: str,
        body: Any,
        content_type: str = "application/json",
        **params: str,
    ) -> httpx.Response:
        """Make a write through the API (params fill the template) and remember it."""
        path = template.format(**params)
        headers = {**who.headers, "Idempotency-Key": uuid.uuid4().hex}
        if isinstance(body, str):
            headers["Content-Type"] = content_type
            answer = await self.http[service].request(method, path, content=body, headers=headers)
        elif method == "DELETE":
            answer = await self.http[service].request(method, path, headers=headers)
        else:
            answer = await self.http[service].request(method, path, json=body, headers=headers)
        assert answer.status_code < 300, f"{method} {path} as {who.label}: {answer.text}"
        self.writes[(service, method, template)] = Write(
            service, method, template, path, body, content_type, who, answer
        )
        return answer

    async def ask(
        self,
        who: Who,
        service: str,
        method: str,
        template: str,
        body: Any,
        expect: int,
        key: str | None = None,
        query: dict[str, str] | None = None,
        **params: str,
    ) -> httpx.Response:
        """A request made for its answer (a refusal the fuzzer seldom meets by chance),
        which must be `expect`; remembered, and checked against the declaration."""
        path = template.format(**params)
        headers = {**who.headers, "Idempotency-Key": key or uuid.uuid4().hex}
        answer = await self.http[service].request(
            method, path, json=body, headers=headers, params=query
        )
        assert answer.status_code == expect, f"{method} {path} as {who.label}: {answer.text}"
        self.asked.append(Write(service, method, template, path, body, who=who, answer=answer))
        return answer

    def sample(self, service: str, method: str, template: str, body: Any, **params: str) -> None:
        """A write an allowed user would make, recorded but not made: making it would
        take away what the other calls look at (a disposal empties the file)."""
        path = template.format(**params)
        self.writes[(service, method, template)] = Write(service, method, template, path, body)

    async def read(self, who: Who, service: str, path: str, **query: Any) -> Any:
        answer = await self.http[service].get(path, headers=who.headers, params=query)
        assert answer.status_code == 200, f"GET {path} as {who.label}: {answer.text}"
        return answer.json()


# --- the kinds of object, made in this order at the target school ------------------------

Maker = Callable[[World, Site], Awaitable[None]]
KINDS: list[tuple[str, Maker]] = []


def kind(name: str) -> Callable[[Maker], Maker]:
    def register(make: Maker) -> Maker:
        KINDS.append((name, make))
        return make

    return register


def _ago(**delta: float) -> str:
    return (utc_now() - timedelta(**delta)).isoformat()


@kind("pupils")
async def _pupils(world: World, site: Site) -> None:
    admin = world.at(site, "admin")
    template = "/v1/schools/{school_id}/pupils/{pupil_id}"
    for name, forename in (("pupil_id", site.mark("Forename")), ("leaver_id", "Leaver")):
        pupil = f"{site.label}-{uuid.uuid4().hex[:8]}"
        body = {"forename": forename, "surname": "Hart", "date_of_birth": "2016-04-12"}
        await world.write(
            admin, "intake", "PUT", template, body, school_id=site.school_id, pupil_id=pupil
        )
        site.ids[name] = pupil
    site.markers.add(site.ids["pupil_id"])


@kind("roll upload and pupil search")
async def _roll(world: World, site: Site) -> None:
    admin = world.at(site, "admin")
    header = (
        "pupil_id,upn,forename,surname,preferred_forename,date_of_birth,postcode,"
        "on_roll_from,on_roll_to"
    )
    row = f"{site.label}-roll,,Rolled,Hart,,2016-05-05,WR1 1AA,2022-09-01,"
    await world.write(
        admin,
        "intake",
        "POST",
        "/v1/schools/{school_id}/roster",
        f"{header}\n{row}\n",
        "text/csv",
        school_id=site.school_id,
    )
    await world.write(
        world.at(site, "staff"), "intake", "POST", "/v1/pupils/search", {"name": "Hart"}
    )


@kind("staff and rota")
async def _rota(world: World, site: Site) -> None:
    admin = world.at(site, "admin")
    dsl = world.at(site, "dsl")
    template = "/v1/schools/{school_id}/staff/{user_id}"
    await world.write(
        admin,
        "notification",
        "PUT",
        template,
        {"name": "Dee Sell"},
        school_id=site.school_id,
        user_id=dsl.user_id,
    )
    # Someone added by mistake, and taken off again (not on the rota).
    await world.write(
        admin,
        "notification",
        "PUT",
        template,
        {"name": "Temp Orary"},
        school_id=site.school_id,
        user_id="temp-1",
    )
    await world.write(
        admin, "notification", "DELETE", template, None, school_id=site.school_id, user_id="temp-1"
    )
    site.ids["user_id"] = dsl.user_id
    member = {
        "user_id": dsl.user_id,
        "name": "Dee Sell",
        "email": "dsl@example.org",
        "phone": "07911 123456",
        "role": "dsl",
    }
    await world.write(
        admin,
        "notification",
        "PUT",
        "/v1/schools/{school_id}/rota",
        {"tiers": [{"members": [member]}]},
        school_id=site.school_id,
    )


@kind("calendar")
async def _calendar(world: World, site: Site) -> None:
    from tests.support.stack import ROOT

    body = json.loads((ROOT / "tests" / "samples" / "calendar-2025-26.json").read_text())
    admin = world.at(site, "admin")
    await world.write(
        admin, "case", "PUT", "/v1/schools/{school_id}/calendar", body, school_id=site.school_id
    )


@kind("concern")
async def _concern(world: World, site: Site) -> None:
    staff = world.at(site, "staff")
    body = {
        "school_id": site.school_id,
        "pupil_id": site.ids["pupil_id"],
        "occurred_at": _ago(hours=2),
        "categories": ["physical"],
        "description": f"Bruise on the forearm {site.mark('Description')}.",
        "child_words": f"My brother grabbed me {site.mark('Words')}.",
        "actions_taken": "Told the DSL.",
        "immediate_danger": False,
        "fgm_discovered": True,
    }
    answer = await world.write(staff, "intake", "POST", "/v1/concerns", body)
    site.ids["concern_id"] = answer.json()["concern_id"]
    site.markers.add(site.ids["concern_id"])


@kind("alert, chronology entry, deadline and case")
async def _effects(world: World, site: Site) -> None:
    dsl = world.at(site, "dsl")
    concern = site.ids["concern_id"]

    async def alerts() -> list[dict[str, Any]]:
        return (await world.read(dsl, "notification", "/v1/alerts"))["alerts"]

    found = await eventually(
        alerts, lambda a: any(x["source_id"] == concern for x in a), timeout=60
    )
    site.ids["alert_id"] = next(a["alert_id"] for a in found if a["source_id"] == concern)
    site.markers.add(site.ids["alert_id"])
    chronology = f"/v1/children/{site.ids['pupil_id']}/chronology"
    await eventually(
        lambda: world.http["records"].get(chronology, headers=dsl.headers),
        lambda r: r.status_code == 200 and r.json().get("entries"),
        timeout=60,
    )
    site.ids["entry_id"] = "file:1"
    case = f"/v1/children/{site.ids['pupil_id']}/case"
    await eventually(
        lambda: world.http["case"].get(case, headers=dsl.headers),
        lambda r: r.status_code == 200,
        timeout=60,
    )


@kind("triage decision and FGM report")
async def _triage(world: World, site: Site) -> None:
    dsl = world.at(site, "dsl")
    body = {
        "pupil_id": site.ids["pupil_id"],
        "decision": "monitor_in_school",
        "reason": f"First concern {site.mark('Reason')}.",
    }
    await world.write(
        dsl,
        "case",
        "POST",
        "/v1/concerns/{concern_id}/triage",
        body,
        concern_id=site.ids["concern_id"],
    )
    report = {"reported_at": _ago(minutes=30), "police_reference": site.mark("Police")}
    await world.write(
        world.at(site, "staff"),
        "case",
        "POST",
        "/v1/concerns/{concern_id}/fgm-report",
        report,
        concern_id=site.ids["concern_id"],
    )


@kind("case steps: note, action, referral, review")
async def _case_steps(world: World, site: Site) -> None:
    dsl, pupil = world.at(site, "dsl"), site.ids["pupil_id"]
    note = {
        "kind": "strategy_discussion",
        "occurred_at": _ago(hours=1),
        "participants": ["DSL"],
        "summary": f"Agreed {site.mark('Note')}.",
    }
    await world.write(dsl, "case", "POST", "/v1/children/{pupil_id}/notes", note, pupil_id=pupil)
    action = {
        "title": f"Meet mum {site.mark('Action')}",
        "owner_user_id": dsl.user_id,
        "due_on": utc_now().date().isoformat(),
    }
    made = await world.write(
        dsl, "case", "POST", "/v1/children/{pupil_id}/actions", action, pupil_id=pupil
    )
    site.ids["action_id"] = made.json()["action_id"]
    referral = {
        "agency": "childrens_social_care",
        "made_at": _ago(hours=1),
        "method": "phone",
        "reference": f"MASH {site.mark('Ref')}",
        "parents_informed": {"informed": True, "at": _ago(minutes=50)},
        "concern_ids": [site.ids["concern_id"]],
    }
    made = await world.write(
        dsl, "case", "POST", "/v1/children/{pupil_id}/referrals", referral, pupil_id=pupil
    )
    site.ids["referral_id"] = made.json()["referral_id"]
    site.markers.update({site.ids["action_id"], site.ids["referral_id"]})
    review = {
        "review_on": (utc_now() + timedelta(days=14)).date().isoformat(),
        "reason": "After early help starts.",
    }
    await world.write(
        dsl, "case", "PUT", "/v1/children/{pupil_id}/case/review", review, pupil_id=pupil
    )


@kind("case steps: action done, feedback, escalation, closed and reopened")
async def _later_steps(world: World, site: Site) -> None:
    dsl, pupil = world.at(site, "dsl"), site.ids["pupil_id"]
    await world.write(
        dsl,
        "case",
        "POST",
        "/v1/actions/{action_id}/complete",
        {"note": "Met."},
        action_id=site.ids["action_id"],
    )
    referral = site.ids["referral_id"]
    await world.write(
        dsl,
        "case",
        "POST",
        "/v1/referrals/{referral_id}/feedback",
        {"received_at": _ago(minutes=10), "outcome": "early_help", "details": "Family support."},
        referral_id=referral,
    )
    await world.write(
        dsl,
        "case",
        "POST",
        "/v1/referrals/{referral_id}/escalations",
        {"escalated_at": _ago(minutes=5), "escalated_to": "MASH manager"},
        referral_id=referral,
    )
    await world.write(
        dsl,
        "case",
        "POST",
        "/v1/children/{pupil_id}/case/close",
        {"outcome": "early_help", "reason": "Early help in place."},
        pupil_id=pupil,
    )
    await world.write(
        dsl,
        "case",
        "POST",
        "/v1/children/{pupil_id}/case/reopen",
        {"reason": "New information."},
        pupil_id=pupil,
    )


@kind("chronology correction")
async def _correction(world: World, site: Site) -> None:
    body = {
        "reason": "The bruise was on the right arm.",
        "fields": {"description": f"Bruise on the right forearm {site.mark('Corrected')}."},
    }
    await world.write(
        world.at(site, "dsl"),
        "records",
        "POST",
        "/v1/children/{pupil_id}/chronology/{entry_id}/corrections",
        body,
        pupil_id=site.ids["pupil_id"],
        entry_id=site.ids["entry_id"],
    )


@kind("police notification: matched and unmatched")
async def _police(world: World, site: Site) -> None:
    trust_admin = world.trust_wide(site, "admin")
    sender_id = f"police-{uuid.uuid4().hex[:8]}"
    world.sender_secret = secrets.token_urlsafe(32)
    await world.write(
        trust_admin,
        "intake",
        "PUT",
        "/v1/encompass/senders/{sender_id}",
        {"name": "West Mercia Police", "secret": world.sender_secret, "trust_ids": [site.trust_id]},
        sender_id=sender_id,
    )
    site.ids["sender_id"] = sender_id
    child = {
        "forename": "Nobody",
        "surname": "Known",
        "date_of_birth": "2017-01-01",
        "school_urn": site.urn,
        "present": True,
        "voice_of_child": f"She hid upstairs {site.mark('Voice')}.",
    }
    notice = {
        "police_reference": f"22/{uuid.uuid4().hex[:6]}/26",
        "force": "West Mercia",
        "incident_at": _ago(hours=10),
        "notified_at": _ago(hours=2),
        "circumstances": f"Argument at home {site.mark('Circumstances')}.",
        "police_action": "Adult arrested.",
        "children": [child],
    }
    raw = json.dumps(notice).encode()
    stamp = int(time.time())
    answer = await world.http["intake"].post(
        "/v1/encompass/notifications",
        content=raw,
        headers={
            "Content-Type": "application/json",
            "X-Harbour-Sender": sender_id,
            "X-Harbour-Timestamp": str(stamp),
            "X-Harbour-Signature": sign(world.sender_secret.encode(), stamp, raw),
        },
    )
    assert answer.status_code == 202, answer.text
    world.sender_id = sender_id
    world.writes[("intake", "POST", "/v1/encompass/notifications")] = Write(
        "intake",
        "POST",
        "/v1/encompass/notifications",
        "/v1/encompass/notifications",
        notice,
        answer=answer,
    )
    site.ids["incident_id"] = answer.json()["incident_id"]
    site.ids["notification_id"] = answer.json()["children"][0]["notification_id"]
    site.markers.update({site.ids["incident_id"], site.ids["notification_id"]})
    # Matching or dismissing it would take it off the queue the other calls read.
    notice = site.ids["notification_id"]
    world.sample(
        "intake",
        "POST",
        "/v1/encompass/unmatched/{notification_id}/match",
        {"pupil_id": site.ids["pupil_id"], "school_id": site.school_id},
        notification_id=notice,
    )
    world.sample(
        "intake",
        "POST",
        "/v1/encompass/unmatched/{notification_id}/dismiss",
        {"reason": "Not one of ours."},
        notification_id=notice,
    )


@kind("disposal (recorded, not made: it would empty the file)")
async def _disposal(world: World, site: Site) -> None:
    world.sample(
        "records",
        "POST",
        "/v1/children/{pupil_id}/disposal",
        {"reason": "Past retention."},
        pupil_id=site.ids["pupil_id"],
    )


async def _file_for(world: World, site: Site, pupil: str) -> None:
    """A concern about the pupil (no marker in it), and the file it starts."""
    concern = {
        "school_id": site.school_id,
        "pupil_id": pupil,
        "occurred_at": _ago(hours=3),
        "categories": ["neglect"],
        "description": "Hungry at school.",
        "child_words": "I had no breakfast.",
        "actions_taken": "Fed.",
        "immediate_danger": False,
        "fgm_discovered": False,
    }
    answer = await world.http["intake"].post(
        "/v1/concerns",
        json=concern,
        headers={**world.at(site, "staff").headers, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert answer.status_code == 202, answer.text
    await eventually(
        lambda: world.http["records"].get(
            f"/v1/children/{pupil}/chronology", headers=world.at(site, "dsl").headers
        ),
        lambda r: r.status_code == 200 and r.json().get("entries"),
        timeout=60,
    )


@kind("file transfers: one offered to the school, one offered by it")
async def _transfer(world: World, site: Site) -> None:
    sender = next(s for s in world.sites if s.trust_id == site.trust_id and s is not site)
    pupil = f"{sender.label}-{uuid.uuid4().hex[:8]}"
    await world.write(
        world.at(sender, "admin"),
        "intake",
        "PUT",
        "/v1/schools/{school_id}/pupils/{pupil_id}",
        {"forename": "Moving", "surname": "On", "date_of_birth": "2015-02-02"},
        school_id=sender.school_id,
        pupil_id=pupil,
    )
    await _file_for(world, sender, pupil)
    sender.ids["pupil_id"] = pupil  # a child of the trust's other school, with a case
    offered = await world.http["records"].post(
        f"/v1/children/{pupil}/transfers",
        json={"destination": {"urn": site.urn}},
        headers={**world.at(sender, "dsl").headers, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert offered.status_code == 201, offered.text
    site.ids["transfer_id"] = offered.json()["transfer_id"]
    await eventually(
        lambda: world.read(world.at(site, "dsl"), "records", "/v1/transfers/incoming"),
        lambda found: any(t["transfer_id"] == site.ids["transfer_id"] for t in found["transfers"]),
        timeout=60,
    )
    await world.write(
        world.at(site, "dsl"),
        "records",
        "POST",
        "/v1/transfers/{transfer_id}/accept",
        {"pupil_id": f"{site.label}-in"},
        transfer_id=site.ids["transfer_id"],
    )
    # The target's leaver's file, offered to the other school (which may see that offer).
    await _file_for(world, site, site.ids["leaver_id"])
    await world.write(
        world.at(site, "dsl"),
        "records",
        "POST",
        "/v1/children/{pupil_id}/transfers",
        {"destination": {"urn": sender.urn}},
        pupil_id=site.ids["leaver_id"],
    )


# --- building it ----------------------------------------------------------------------------


def _urn() -> str:
    return str(100000 + secrets.randbelow(900000))


async def build_world(
    http: dict[str, httpx.AsyncClient], mongo: Callable[[str], Any] | None = None
) -> World:
    run = uuid.uuid4().hex[:6]
    sites = [
        Site(f"trust{t}-{run}", f"school{t}{s}-{run}", _urn(), f"T{t}S{s}x")
        for t in (1, 2)
        for s in (1, 2)
    ]
    people = [
        Who(role, site.trust_id, site.school_id, f"{role}-{site.label}")
        for site in sites
        for role in SCHOOL_ROLES
    ] + [
        Who(role, trust, None, f"{role}-{trust}")
        for trust in dict.fromkeys(site.trust_id for site in sites)
        for role in TRUST_WIDE_ROLES
    ]
    world = World(http, sites, people, mongo=mongo)
    for site in sites:
        body = {"name": f"School {site.label}", "trust_id": site.trust_id, "urn": site.urn}
        await world.write(
            world.at(site, "admin"),
            "intake",
            "PUT",
            "/v1/schools/{school_id}",
            body,
            school_id=site.school_id,
        )
    target = world.target
    target.ids["school_id"] = target.school_id
    for site in sites:  # case and notification learn of each school from intake's event
        await eventually(
            lambda s=site: world.http["case"].get(
                f"/v1/schools/{s.school_id}/calendar", headers=world.at(s, "admin").headers
            ),
            lambda r: r.status_code != 404,
            timeout=60,
        )
    for _name, make in KINDS:
        await make(world, target)
    return world


# The newer kinds, made after those above (each module registers its own with `kind`).
from tests.integration import tenant_world_more, tenant_world_spent  # noqa: E402, F401

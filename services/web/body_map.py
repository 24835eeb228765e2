"""The body map's two outlines as regions: what is drawn, what a click or tap on it means,
and where a mark chosen from the list (the keyboard alternative) is placed.

Coordinates are in the SVG's viewBox (WIDTH x HEIGHT); marks are stored as fractions of
it. The front is drawn as you face the child, so the child's right is on the left.
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

from markupsafe import Markup

WIDTH, HEIGHT = 200, 440


class Region(NamedTuple):
    area: str
    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def centre(self) -> tuple[float, float]:
        return ((self.x0 + self.x1) / 2 / WIDTH, (self.y0 + self.y1) / 2 / HEIGHT)


def _limbs(near: str, far: str, hips: int) -> list[Region]:
    """Arms and legs: `near` is the side drawn on the left of the picture."""
    return [
        Region(f"{near}_shoulder", 62, 82, 82, 102),
        Region(f"{far}_shoulder", 118, 82, 138, 102),
        Region(f"{near}_upper_arm", 38, 86, 60, 160),
        Region(f"{far}_upper_arm", 140, 86, 162, 160),
        Region(f"{near}_forearm", 32, 160, 56, 228),
        Region(f"{far}_forearm", 144, 160, 168, 228),
        Region(f"{near}_hand", 28, 228, 56, 262),
        Region(f"{far}_hand", 144, 228, 172, 262),
        Region(f"{near}_thigh", 64, hips, 98, 322),
        Region(f"{far}_thigh", 102, hips, 136, 322),
        Region(f"{near}_lower_leg", 66, 322, 96, 404),
        Region(f"{far}_lower_leg", 104, 322, 134, 404),
        Region(f"{near}_foot", 62, 404, 98, 428),
        Region(f"{far}_foot", 102, 404, 138, 428),
    ]


# Order matters for hit-testing: the first region containing the point wins.
REGIONS: dict[str, list[Region]] = {
    "front": [
        Region("head", 78, 4, 122, 24),
        Region("face", 78, 24, 122, 66),
        Region("neck", 90, 66, 110, 82),
        *_limbs("right", "left", 232),
        Region("chest", 62, 82, 138, 150),
        Region("abdomen", 62, 150, 138, 200),
        Region("genital_area", 62, 200, 138, 232),
    ],
    "back": [
        Region("head", 78, 4, 122, 66),
        Region("neck", 90, 66, 110, 82),
        *_limbs("left", "right", 240),
        Region("upper_back", 62, 82, 138, 160),
        Region("lower_back", 62, 160, 138, 204),
        Region("buttocks", 62, 204, 138, 240),
    ],
}
VIEWS = {"front": "Front (as you face the child)", "back": "Back"}


def choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The keyboard alternative: (view label, [(value "view:area", area)]) groups."""
    return [
        (label, [(f"{view}:{r.area}", r.area) for r in sorted(REGIONS[view])])
        for view, label in VIEWS.items()
    ]


def place(view: str, area: str) -> tuple[float, float] | None:
    """Where a mark chosen from the list sits: the middle of its area, or None."""
    for region in REGIONS.get(view, []):
        if region.area == area:
            return region.centre
    return None


def area_at(view: str, x: float, y: float) -> str | None:
    px, py = x * WIDTH, y * HEIGHT
    for region in REGIONS.get(view, []):
        if region.x0 <= px <= region.x1 and region.y0 <= py <= region.y1:
            return region.area
    return None


@cache
def outline_parts(view: str) -> Markup:
    """The outline itself (head and body parts) as SVG: the same on every outline, so built
    once; drawing it per outline was half of the child's file's rendering."""
    parts = ['<ellipse class="harbour-body-map__part" cx="100" cy="35" rx="22" ry="31"></ellipse>']
    parts += [
        f'<rect class="harbour-body-map__part" x="{r.x0}" y="{r.y0}" width="{r.x1 - r.x0}" '
        f'height="{r.y1 - r.y0}" rx="6"></rect>'
        for r in REGIONS[view]
        if r.area not in ("head", "face")
    ]
    return Markup("\n    ".join(parts))


@cache
def regions_attribute(view: str) -> str:
    """The regions for the script that places clicked marks: "area,x0,y0,x1,y1;…"."""
    return ";".join(",".join(map(str, r)) for r in REGIONS[view])

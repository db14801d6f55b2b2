"""Where to put the phone for each exercise: a small drawing (SVG, made here) and one sentence.

Standing lifts are judged from the side with the camera at hip height; floor exercises need the camera low and to
the side (the plank's side-view checks were set on renders with the camera 0.2 m and 0.45 m high, see
formcheck/exercises/plank.py), so the phone lies propped up on the floor or a low step.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from formcheck.exercises import EXERCISES
from formcheck.exercises.spec import Posture
from formcheck.geometry import View

FLOOR_Y = 120  # the drawing's floor line, in SVG pixels (the drawing is 320 x 150)


@dataclass(frozen=True)
class Placement:
    lying: bool  # the person is on the floor (else standing)
    phone_height: str  # in words
    distance: str
    where: str = "to your side"

    @property
    def sentence(self) -> str:
        return f"Phone {self.phone_height}, {self.where}, {self.distance} away, your whole body in the picture."


STANDING = Placement(lying=False, phone_height="at hip height (a chair or shelf)", distance="2–4 m")
FLOOR = Placement(
    lying=True, phone_height="on the floor or a low step (20–45 cm), propped up sideways", distance="2–3 m"
)
FACING = "facing you (or your back), so it sees your body's line"


def placement_for(exercise: str) -> Placement:
    """Where the phone goes: on the floor for an exercise done lying or kneeling (its recognition posture), and to the
    side unless the exercise is judged mostly from the front."""
    spec = EXERCISES.get(exercise)
    if spec is None:
        return STANDING
    placement = STANDING if spec.looks.posture is Posture.UPRIGHT else FLOOR
    return placement if spec.main_view is View.SIDE else replace(placement, where=FACING)


def placement_svg(exercise: str) -> str:
    """A side view: the person (standing or on the floor), the phone at its height, and the distance between."""
    placement = placement_for(exercise)
    person = _lying_person() if placement.lying else _standing_person()
    phone = (
        f'<rect x="262" y="{FLOOR_Y - 22}" width="26" height="16" rx="3" fill="#1f5f99"/>'
        f'<path d="M258 {FLOOR_Y} l6 -6 h22 l6 6" fill="none" stroke="#555" stroke-width="2"/>'
        if placement.lying
        else f'<rect x="268" y="52" width="14" height="24" rx="3" fill="#1f5f99"/>'
        f'<rect x="262" y="76" width="26" height="{FLOOR_Y - 76}" fill="#ccc"/>'
    )
    arrow_y = FLOOR_Y + 14
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 150" width="320" height="150" role="img" '
        f'aria-label="{placement.sentence}">'
        f'<line x1="10" y1="{FLOOR_Y}" x2="310" y2="{FLOOR_Y}" stroke="#888" stroke-width="2"/>'
        f"{person}{phone}"
        f'<line x1="110" y1="{arrow_y}" x2="256" y2="{arrow_y}" stroke="#1f5f99" stroke-width="1.5" '
        'marker-start="url(#a)" marker-end="url(#a)"/>'
        '<defs><marker id="a" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="5" markerHeight="5" '
        'orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="#1f5f99"/></marker></defs>'
        f'<text x="183" y="{arrow_y - 4}" font-size="12" text-anchor="middle" font-family="sans-serif" '
        f'fill="#1f5f99">{placement.distance}</text>'
        '<text x="275" y="20" font-size="12" text-anchor="middle" font-family="sans-serif" fill="#333">phone</text>'
        "</svg>"
    )


def _standing_person() -> str:
    limbs = "M80 58 L80 90 M80 90 L72 120 M80 90 L88 120 M80 64 L70 86 M80 64 L90 86"
    return (
        '<circle cx="80" cy="48" r="9" fill="none" stroke="#333" stroke-width="3"/>'
        f'<path d="{limbs}" fill="none" stroke="#333" stroke-width="4" stroke-linecap="round"/>'
    )


def _lying_person() -> str:
    limbs = "M52 100 L120 104 M52 100 L56 120 M120 104 L150 118 M120 104 L146 116"
    return (
        '<circle cx="40" cy="96" r="9" fill="none" stroke="#333" stroke-width="3"/>'
        f'<path d="{limbs}" fill="none" stroke="#333" stroke-width="4" stroke-linecap="round"/>'
    )

"""Programmes: a short routine of exercises (McGill's Big 3, Back basics, or a trainer's own) and a guided session.

A :class:`Programme` is data: steps, each an exercise done as sets (a descending pyramid such as 6, 4, 2) of holds of
``hold_s`` seconds or of reps, on both sides or not, with a rest between sets and sides. Trainer-made programmes are
JSON (:func:`programme_from_json`); every programme is checked against the registered exercises
(:meth:`Programme.validate`) when it is read or used, never at import, so a built-in naming an exercise that is
not registered yet is refused with a one-line message instead of breaking the package.

:class:`GuidedSession` leads a programme: fed with the time and the live coach's state
(:class:`formcheck.live.LiveState`), it says what to show and say now (the next exercise and where to put the camera,
the current set's target, the rest countdown, "switch sides") and sums the session up (:class:`SessionSummary`):
good-form time and reps per exercise and side, left/right balance, and the cue to work on per exercise.
Times are seconds on the caller's clock, which must not go back.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from formcheck.exercises import EXERCISES
from formcheck.exercises.spec import Exercise
from formcheck.types import FormcheckError

if TYPE_CHECKING:
    from formcheck.live import LiveState  # the live coach's judging is not needed to store or read a programme

PROGRAMME_SCHEMA = "formcheck.programme/1"
Side = Literal["left", "right"]
SIDES: tuple[Side, ...] = ("left", "right")
Phase = Literal["get_ready", "working", "resting", "finished"]
# Before each exercise: at least this long to put the camera where the page shows and get into the start position
# (chosen: moving a phone to the floor and lying down takes a few seconds more than the 5 s we first tried by hand).
GET_READY_S = 10.0
# A hold shorter than this share of its target is not counted towards the set: a flicker of the hold phase, or a
# hold given up, is not one of the prescribed holds (its good-form time still counts).
COUNTED_HOLD_SHARE = 0.5
# Left and right good-form hold time further apart than this share of the better side is pointed out (the
# asymmetry McGill watches for in side-bridge endurance; the figure is the programme's, not measured here).
BALANCE_SHARE = 0.20


class ProgrammeError(FormcheckError):
    """A programme that cannot be used: unknown exercise, a target that is not positive, malformed JSON."""


@dataclass(frozen=True)
class Step:
    """One exercise of a programme: ``sets`` holds (of ``hold_s`` seconds each) or reps per set, e.g. (6, 4, 2);
    ``per_side``: every set is done on the left, then on the right; ``rest_s``: between sets and between sides."""

    exercise: str
    sets: tuple[int, ...]
    hold_s: float | None = None  # None: a rep target
    per_side: bool = False
    rest_s: float = 30.0

    @property
    def sides(self) -> tuple[Side | None, ...]:
        return SIDES if self.per_side else (None,)

    def target_text(self, count: int) -> str:
        if self.hold_s is None:
            return f"{count} rep{'s' * (count != 1)}"
        return f"{count} hold{'s' * (count != 1)} of {self.hold_s:g} s"

    @property
    def pyramid_text(self) -> str:
        """The sets at a glance: "6 · 4 · 2 holds of 10 s, each side" (a pyramid), "3 × 1 hold of 20 s" (equal sets)."""
        sides = ", each side" if self.per_side else ""
        if len(set(self.sets)) == 1:
            return f"{len(self.sets)} × {self.target_text(self.sets[0])}{sides}"
        unit = "reps" if self.hold_s is None else f"holds of {self.hold_s:g} s"
        return f"{' · '.join(str(count) for count in self.sets)} {unit}{sides}"


@dataclass(frozen=True)
class Programme:
    name: str
    steps: tuple[Step, ...]

    def validate(self, exercises: Mapping[str, Exercise] = EXERCISES) -> Programme:
        """This programme, when every step can be led with ``exercises``; else a one-line :class:`ProgrammeError`."""
        if not self.name.strip():
            raise ProgrammeError("a programme needs a name")
        if not self.steps:
            raise ProgrammeError(f"programme {self.name!r} has no exercises")
        for number, step in enumerate(self.steps, start=1):
            _validate_step(f"programme {self.name!r}, step {number}", step, exercises)
        return self

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "schema": PROGRAMME_SCHEMA,
            "name": self.name,
            "steps": [
                {
                    "exercise": step.exercise,
                    "sets": list(step.sets),
                    **({"hold_s": step.hold_s} if step.hold_s is not None else {}),
                    "per_side": step.per_side,
                    "rest_s": step.rest_s,
                }
                for step in self.steps
            ],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_json_dict(), indent=2)


def _validate_step(where: str, step: Step, exercises: Mapping[str, Exercise]) -> None:
    spec = exercises.get(step.exercise)
    if spec is None:
        known = ", ".join(sorted(exercises))
        raise ProgrammeError(f"{where}: unknown exercise {step.exercise!r} (known: {known})")
    if not step.sets or any(isinstance(count, bool) or not isinstance(count, int) or count < 1 for count in step.sets):
        raise ProgrammeError(f"{where}: sets must be whole numbers of at least 1, got {list(step.sets)}")
    if step.hold_s is not None and not step.hold_s > 0:
        raise ProgrammeError(f"{where}: hold_s must be more than 0 seconds, got {step.hold_s}")
    if step.hold_s is not None and not spec.motion.times_holds:
        raise ProgrammeError(f"{where}: formcheck does not time holds of the {spec.title.lower()}: give it reps")
    if not step.rest_s >= 0:
        raise ProgrammeError(f"{where}: rest_s must be 0 or more seconds, got {step.rest_s}")


# McGill's Big 3 (S. McGill, "Low Back Disorders", 3rd ed., 2016, and "Back Mechanic", 2015): curl-up, side plank
# (side bridge) and bird dog, each done as holds of 8-10 s ("isometric holds of no more than 10 s", building endurance
# without the cramping and loss of form of long holds), repeated in a descending pyramid of holds (e.g. 6, then 4,
# then 2) with a short rest between; the side plank and the bird dog on both sides.
MCGILL_BIG_3 = Programme(
    "McGill Big 3",
    (
        Step("curl_up", (6, 4, 2), hold_s=10.0, rest_s=20.0),
        Step("side_plank", (6, 4, 2), hold_s=10.0, per_side=True, rest_s=20.0),
        Step("bird_dog", (6, 4, 2), hold_s=10.0, per_side=True, rest_s=20.0),
    ),
)
# Back basics: the common first routine of back-care classes, bridge, bird dog, plank and dead bug, with the same
# short holds as the Big 3 and fewer sets.
BACK_BASICS = Programme(
    "Back basics",
    (
        Step("glute_bridge", (10, 10), hold_s=5.0, rest_s=30.0),
        Step("bird_dog", (6, 4), hold_s=8.0, per_side=True, rest_s=20.0),
        Step("plank", (1, 1, 1), hold_s=20.0, rest_s=30.0),
        Step("dead_bug", (10, 10), rest_s=30.0),
    ),
)
BUILT_IN_PROGRAMMES = (MCGILL_BIG_3, BACK_BASICS)


def programme_from_json(text: str, exercises: Mapping[str, Exercise] = EXERCISES) -> Programme:
    """A trainer's programme (``formcheck.programme/1`` JSON, as :meth:`Programme.to_json` writes), validated."""
    return parse_programme(text).validate(exercises)


def parse_programme(text: str) -> Programme:
    """The programme in ``text``, its shape checked but not its exercises (a stored programme is read as it was
    saved, and refused when used if an exercise it names is not registered)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ProgrammeError(f"a programme must be JSON: {error}") from error
    if not isinstance(data, dict):
        raise ProgrammeError("a programme must be a JSON object with a name and steps")
    name = data.get("name")
    steps = data.get("steps")
    if not isinstance(name, str) or not isinstance(steps, list):
        raise ProgrammeError("a programme needs a 'name' (text) and 'steps' (a list)")
    where = f"programme {name!r}"
    return Programme(name, tuple(_step_from_json(f"{where}, step {i}", s) for i, s in enumerate(steps, 1)))


def _step_from_json(where: str, data: object) -> Step:
    if not isinstance(data, dict):
        raise ProgrammeError(f"{where}: a step must be an object with 'exercise' and 'sets'")
    unknown = sorted(set(data) - {"exercise", "sets", "hold_s", "per_side", "rest_s"})
    if unknown:
        raise ProgrammeError(f"{where}: unknown field {unknown[0]!r}")
    exercise, sets = data.get("exercise"), data.get("sets")
    if not isinstance(exercise, str) or not isinstance(sets, list):
        raise ProgrammeError(f"{where}: needs 'exercise' (a name) and 'sets' (a list such as [6, 4, 2])")
    hold_s, rest_s, per_side = data.get("hold_s"), data.get("rest_s", 30.0), data.get("per_side", False)
    if hold_s is not None and not _is_number(hold_s):
        raise ProgrammeError(f"{where}: hold_s must be a number of seconds, got {hold_s!r}")
    if not _is_number(rest_s):
        raise ProgrammeError(f"{where}: rest_s must be a number of seconds, got {rest_s!r}")
    if not isinstance(per_side, bool):
        raise ProgrammeError(f"{where}: per_side must be true or false, got {per_side!r}")
    held = None if hold_s is None else float(hold_s)
    return Step(exercise, tuple(sets), held, per_side, float(rest_s))


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# --- the guided session --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """One set of one step on one side: what the person does between two rests."""

    step_index: int
    set_index: int
    side: Side | None
    target_count: int  # holds or reps


def blocks_of(programme: Programme) -> tuple[Block, ...]:
    """The programme in order: each set on the left then the right (McGill alternates sides set by set)."""
    return tuple(
        Block(step_index, set_index, side, count)
        for step_index, step in enumerate(programme.steps)
        for set_index, count in enumerate(step.sets)
        for side in step.sides
    )


@dataclass(frozen=True)
class SessionView:
    """What the page shows (and says) now."""

    phase: Phase
    headline: str  # "Next: side plank, left side — put the camera …", "Rest", "Switch sides …", "Well done"
    exercise: str | None  # None once finished
    side: Side | None
    set_text: str  # "Set 2 of 3: 4 holds of 10 s"
    pyramid_text: str  # the whole step at a glance
    done_count: int  # holds (or reps) done in this set
    target_count: int
    countdown_s: float | None  # rest, or get-ready time, left
    say: str | None  # a line to speak now (once), else None


@dataclass(frozen=True)
class SideResult:
    """Everything done of one exercise on one side (side None: an exercise not done per side)."""

    exercise: str
    side: Side | None
    reps: int
    holds: int
    good_form_s: float
    hold_s: float


@dataclass(frozen=True)
class SessionSummary:
    programme: str
    results: tuple[SideResult, ...]
    balance: tuple[str, ...]  # a kind sentence per exercise whose sides differ by more than BALANCE_SHARE
    work_on: tuple[tuple[str, str], ...]  # (exercise, cue): the most frequent cue of each exercise that had one

    def good_form_s_by_exercise(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        for result in self.results:
            totals[result.exercise] = totals.get(result.exercise, 0.0) + result.good_form_s
        return totals

    def reps_by_exercise(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for result in self.results:
            totals[result.exercise] = totals.get(result.exercise, 0) + result.reps
        return totals

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "programme": self.programme,
            "results": [vars(result) for result in self.results],
            "balance": list(self.balance),
            "work_on": [list(pair) for pair in self.work_on],
        }

    @staticmethod
    def from_json_dict(data: Mapping[str, Any]) -> SessionSummary:
        return SessionSummary(
            str(data["programme"]),
            tuple(SideResult(**result) for result in data["results"]),
            tuple(data["balance"]),
            tuple((str(exercise), str(cue)) for exercise, cue in data["work_on"]),
        )


@dataclass
class _Tally:
    reps: int = 0
    holds: int = 0
    good_form_s: float = 0.0
    hold_s: float = 0.0


@dataclass
class _Tracker:
    """The live coach's counters as last seen, to turn its running totals into what happened since."""

    reps: int = 0
    in_hold: bool = False
    hold_s: float = 0.0
    good_form_s: float = 0.0
    cue: str | None = None
    cues: dict[str, Counter[str]] = field(default_factory=dict)  # exercise -> cue text -> times it appeared


def _title(exercise: str) -> str:
    return EXERCISES[exercise].title.lower()


def _side_words(side: Side | None) -> str:
    return f", {side} side" if side else ""


class GuidedSession:
    """Leads ``programme``: call :meth:`update` with the time and the newest live state (None before the camera
    runs), :meth:`advance` for "Done with this set" / "Skip", and read :meth:`summary` at any time.

    ``placement``: where to put the camera for an exercise, in words (the app's placement text; the core knows none).
    """

    def __init__(self, programme: Programme, placement: Callable[[str], str] = lambda _exercise: "") -> None:
        self.programme = programme.validate()
        self._placement = placement
        self._blocks = blocks_of(programme)
        self._index = 0
        self._phase: Phase = "get_ready"
        self._phase_since_s: float | None = None  # set by the first update
        self._done_count = 0
        self._tracker = _Tracker()
        self._tallies: dict[tuple[str, Side | None], _Tally] = {}
        self._pending_say: str | None = self._announce()
        self._hold_over_said = False

    # --- what the page calls ---------------------------------------------------------------------------------

    @property
    def phase(self) -> Phase:
        return self._phase

    @property
    def block(self) -> Block | None:
        return self._blocks[self._index] if self._phase != "finished" else None

    @property
    def step(self) -> Step | None:
        block = self.block
        return self.programme.steps[block.step_index] if block else None

    def update(self, t_s: float, live: LiveState | None) -> SessionView:
        if self._phase_since_s is None:
            self._phase_since_s = t_s
        if live is not None:
            self._follow(t_s, live)
        self._tick(t_s, live)
        return self._view(t_s)

    def advance(self, t_s: float) -> SessionView:
        """The person's button: start now (get ready), this set is done (working), or end the rest."""
        if self._phase == "working":
            self._close_open_hold()
        if self._phase != "finished":
            self._next_phase(t_s)
        return self._view(t_s)

    def summary(self) -> SessionSummary:
        keys = dict.fromkeys((self.programme.steps[b.step_index].exercise, b.side) for b in self._blocks)
        tallies = [(key, self._tallies.get(key, _Tally())) for key in keys]  # in programme order, skipped ones as 0
        results = tuple(
            SideResult(exercise, side, tally.reps, tally.holds, round(tally.good_form_s, 3), round(tally.hold_s, 3))
            for (exercise, side), tally in tallies
        )
        work_on = tuple(
            (exercise, counts.most_common(1)[0][0]) for exercise, counts in self._tracker.cues.items() if counts
        )
        return SessionSummary(self.programme.name, results, _balance(results), work_on)

    # --- following the live coach --------------------------------------------------------------------------

    def _follow(self, t_s: float, live: LiveState) -> None:
        """Attribute what the coach saw since the last update to the current set (only while working)."""
        tracker = self._tracker
        working = self._phase == "working"
        # A new coach (next exercise) starts again from 0 reps: everything it counted is new.
        new_reps = live.reps - tracker.reps if live.reps >= tracker.reps else live.reps
        if working and new_reps:
            self._tally().reps += new_reps
            if self._step_hold_s() is None:
                self._done_count += new_reps
        if tracker.in_hold and not live.in_hold and working:
            self._end_hold(live.hold_s, live.good_form_s)
        if working and live.in_hold:
            self._say_when_hold_is_over(live)
        if not live.in_hold:
            self._hold_over_said = False
        cue = live.cue.code if live.cue else None
        if working and live.cue and cue != tracker.cue:
            block = self._blocks[self._index]
            exercise = self.programme.steps[block.step_index].exercise
            tracker.cues.setdefault(exercise, Counter())[live.cue.text] += 1
        tracker.reps, tracker.in_hold, tracker.cue = live.reps, live.in_hold, cue
        tracker.hold_s, tracker.good_form_s = live.hold_s, live.good_form_s

    def _end_hold(self, hold_s: float, good_form_s: float) -> None:
        tally = self._tally()
        tally.hold_s += hold_s
        tally.good_form_s += good_form_s
        target_s = self._step_hold_s()
        if target_s is not None and hold_s >= COUNTED_HOLD_SHARE * target_s:
            tally.holds += 1
            self._done_count += 1

    def _close_open_hold(self) -> None:
        """The set ends by the button during a hold: the hold so far counts."""
        if self._tracker.in_hold:
            self._end_hold(self._tracker.hold_s, self._tracker.good_form_s)
            self._tracker.in_hold = False

    def _say_when_hold_is_over(self, live: LiveState) -> None:
        target_s = self._step_hold_s()
        if target_s is not None and live.hold_s >= target_s and not self._hold_over_said:
            self._hold_over_said = True
            self._pending_say = f"{target_s:g} seconds: relax."

    def _tally(self) -> _Tally:
        block = self._blocks[self._index]
        key = (self.programme.steps[block.step_index].exercise, block.side)
        return self._tallies.setdefault(key, _Tally())

    def _step_hold_s(self) -> float | None:
        return self.programme.steps[self._blocks[self._index].step_index].hold_s

    # --- phases --------------------------------------------------------------------------------------------

    def _tick(self, t_s: float, live: LiveState | None) -> None:
        if self._phase == "get_ready":
            # Starts by itself once the time is up and the camera sees the person (else it waits for them).
            if live is not None and live.person_found and t_s - self._since(t_s) >= self._get_ready_s():
                self._next_phase(t_s)
        elif self._phase == "working":
            if self._done_count >= self._blocks[self._index].target_count:
                self._next_phase(t_s)
        elif self._phase == "resting" and t_s - self._since(t_s) >= self._rest_s():
            self._next_phase(t_s)

    def _since(self, t_s: float) -> float:
        return t_s if self._phase_since_s is None else self._phase_since_s

    def _get_ready_s(self) -> float:
        """At least GET_READY_S, and no shorter than the rest the previous exercise prescribes."""
        if self._index == 0:
            return GET_READY_S
        previous = self.programme.steps[self._blocks[self._index - 1].step_index]
        return max(GET_READY_S, previous.rest_s)

    def _rest_s(self) -> float:
        return self.programme.steps[self._blocks[self._index].step_index].rest_s

    def _next_phase(self, t_s: float) -> None:
        if self._phase in ("get_ready", "resting"):
            self._enter("working", t_s)
            return
        # A set is over: rest before the next set of this exercise, get ready before the next exercise, or finish.
        if self._index + 1 >= len(self._blocks):
            self._enter("finished", t_s)
            return
        same_step = self._blocks[self._index + 1].step_index == self._blocks[self._index].step_index
        self._index += 1
        self._done_count = 0
        self._enter("resting" if same_step and self._rest_s() > 0 else "working" if same_step else "get_ready", t_s)

    def _enter(self, phase: Phase, t_s: float) -> None:
        self._phase, self._phase_since_s = phase, t_s
        self._pending_say = self._announce()

    def _announce(self) -> str:
        """The line spoken as a phase starts."""
        if self._phase == "finished":
            return "Well done: that is the whole programme."
        block = self._blocks[self._index]
        step = self.programme.steps[block.step_index]
        what = f"{_title(step.exercise)}{_side_words(block.side)}"
        if self._phase == "get_ready":
            return f"Next: {what}."
        if self._phase == "resting":
            previous = self._blocks[self._index - 1]
            switch = "Switch sides. " if block.side != previous.side else ""
            return f"{switch}Rest {step.rest_s:g} seconds, then {what}: {step.target_text(block.target_count)}."
        return f"Go: {what}, {step.target_text(block.target_count)}."

    def _view(self, t_s: float) -> SessionView:
        say, self._pending_say = self._pending_say, None
        if self._phase == "finished":
            return SessionView("finished", self._announce(), None, None, "", "", 0, 0, None, say)
        block = self._blocks[self._index]
        step = self.programme.steps[block.step_index]
        set_text = f"Set {block.set_index + 1} of {len(step.sets)}: {step.target_text(block.target_count)}"
        return SessionView(
            self._phase,
            self._headline(block, step),
            step.exercise,
            block.side,
            set_text,
            step.pyramid_text,
            self._done_count,
            block.target_count,
            self._countdown_s(t_s),
            say,
        )

    def _headline(self, block: Block, step: Step) -> str:
        what = f"{_title(step.exercise)}{_side_words(block.side)}"
        if self._phase == "get_ready":
            where = self._placement(step.exercise)
            return f"Next: {what}" + (f" — put the camera: {where}" if where else "")
        if self._phase == "resting":
            switch = block.side != self._blocks[self._index - 1].side
            return f"Switch sides: next, {what}" if switch else f"Rest, then {what}"
        return what[:1].upper() + what[1:]

    def _countdown_s(self, t_s: float) -> float | None:
        if self._phase == "resting":
            return max(0.0, self._rest_s() - (t_s - self._since(t_s)))
        if self._phase == "get_ready":
            return max(0.0, self._get_ready_s() - (t_s - self._since(t_s)))
        return None


def _balance(results: tuple[SideResult, ...]) -> tuple[str, ...]:
    """A kind sentence for each exercise whose left and right good-form hold time differ by more than BALANCE_SHARE
    of the better side."""
    by_side = {(result.exercise, result.side): result for result in results if result.hold_s > 0}
    sentences = []
    for exercise in dict.fromkeys(result.exercise for result in results):
        left, right = by_side.get((exercise, "left")), by_side.get((exercise, "right"))
        if left is None or right is None:
            continue
        better = max(left.good_form_s, right.good_form_s)
        gap_s = abs(left.good_form_s - right.good_form_s)
        if better > 0 and gap_s > BALANCE_SHARE * better:
            weaker = "left" if left.good_form_s < right.good_form_s else "right"
            stronger = "right" if weaker == "left" else "left"
            sentences.append(
                f"Your {weaker} {_title(exercise)} held good form {gap_s:.1f} s less than your {stronger}: "
                f"give the {weaker} an extra set"
            )
    return tuple(sentences)

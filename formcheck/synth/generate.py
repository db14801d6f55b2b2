"""Render clips with ground truth: the committed sample set and a randomised evaluation set.

Needs the ``synth`` extra (call :func:`formcheck.synth.body.require_synth_extra` first).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from formcheck import __version__
from formcheck.synth import degrade
from formcheck.synth.camera import frame_camera
from formcheck.synth.degrade import Degradations
from formcheck.synth.encode import write_h264
from formcheck.synth.kinematics import landmarks_from_heads, pose
from formcheck.synth.motions import (
    FAULT_UNITS,
    FAULTS,
    FRONT_ONLY_FAULTS,
    MOTIONS,
    VARIANTS,
    ClipPlan,
    build_motion,
)
from formcheck.synth.render import FLOORS, SKIN_TONES, WALLS, Appearance, Renderer, vertex_colours
from formcheck.synth.truth import SCHEMA_ID, frame_truth, write_truth
from formcheck.types import FormcheckError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ClipSpec:
    name: str
    plan: ClipPlan
    phenotype: dict[str, float]
    look: Appearance
    camera_yaw_deg: float = 5.0  # from the exact side view towards the front
    near_side: str = "left"
    camera_height: float | None = None  # metres; None: 0.9 for standing exercises, 0.45 for floor exercises
    yfov_deg: float = 45.0
    width: int = 480
    height: int = 360
    degradations: Degradations = field(default_factory=Degradations)
    seed: int = 0
    crf: int = 28

    @property
    def resolved_camera_height(self) -> float:
        """A camera looking down at a lying body sees the near shoulder's lateral offset as height: from 0.9 m at
        1.8 m a 15° plank sag reads ~9° in the image. Phones for floor exercises sit low, so default low."""
        if self.camera_height is not None:
            return self.camera_height
        return 0.9 if self.plan.exercise in ("deadlift", "squat") else 0.45

    @property
    def view(self) -> str:
        if self.camera_yaw_deg <= 15:
            return "side"
        return "front" if self.camera_yaw_deg >= 75 else "oblique"


_BODIES: dict[tuple[tuple[str, float], ...], Any] = {}


def _body(phenotype: dict[str, float]) -> Any:
    from formcheck.synth.body import RenderedBody  # noqa: PLC0415 - optional dependency, imported when used

    key = tuple(sorted(phenotype.items()))
    if key not in _BODIES:
        _BODIES.clear()  # one body at a time keeps memory flat
        _BODIES[key] = RenderedBody.load(phenotype)
    return _BODIES[key]


def render_clip(spec: ClipSpec, out_dir: Path) -> tuple[Path, Path, float]:
    """Render ``spec`` to ``out_dir/NAME.mp4`` and ``NAME.truth.json``; returns both paths and seconds per frame."""
    started = time.perf_counter()
    rng = np.random.default_rng(spec.seed)
    body = _body(spec.phenotype)
    motion = build_motion(spec.plan, body.skeleton)
    on_floor = MOTIONS[spec.plan.exercise].mesh_on_floor
    posed_frames = []
    for frame_spec in motion.specs:
        posed = pose(body.skeleton, frame_spec)
        vertices, heads, keypoints = body.posed(posed.rotations, np.asarray(frame_spec.translation))
        lowest = float(vertices[:, 2].min())
        lift = -lowest if on_floor else min(0.0, -lowest)  # bring a floating (or, lying, a sunken) body onto the floor
        vertices[:, 2] += lift
        named = {name: body.head_of(heads, name) for name in body.skeleton.bones}
        points = landmarks_from_heads(body.skeleton, named, posed.rotations, keypoints)
        points = {k: v + np.array([0.0, 0.0, lift]) for k, v in points.items()}
        posed_frames.append((vertices, points))
    cloud = np.concatenate([v[::25] for v, _ in posed_frames])
    camera = frame_camera(
        cloud, spec.camera_yaw_deg, spec.near_side, spec.width, spec.height, spec.yfov_deg, spec.resolved_camera_height
    )
    colours = vertex_colours(body, body.rest_vertices, spec.look, rng)
    centre = cloud.mean(axis=0)
    renderer = Renderer(camera, spec.look, rng, centre)
    noise_rng = np.random.default_rng(spec.seed + 1)
    truth_frames = []
    images = []
    try:
        for i, (vertices, points) in enumerate(posed_frames):
            image = renderer.render(vertices, body.faces, colours)
            if spec.degradations.any:
                image = degrade.apply(image, spec.degradations, noise_rng)
            images.append(image)
            projected = {name: camera.project(p) for name, p in points.items()}
            t_ms = round(1000.0 * float(motion.t_s[i]))
            truth_frames.append(frame_truth(t_ms, points, projected, spec.width, spec.height, spec.near_side))
    finally:
        renderer.close()
    out_dir.mkdir(parents=True, exist_ok=True)
    video = out_dir / f"{spec.name}.mp4"
    write_h264(video, images, spec.plan.fps, spec.crf)
    truth = {
        "schema": SCHEMA_ID,
        "exercise": spec.plan.exercise,
        "variant": spec.plan.variant,
        "view": spec.view,
        "camera_yaw_deg": spec.camera_yaw_deg,
        "view_yaw_deg": 90.0 - spec.camera_yaw_deg,
        "near_side": spec.near_side,
        "camera": {
            "position": [round(float(c), 4) for c in camera.position],
            "target": [round(float(c), 4) for c in camera.target],
            "yfov_deg": camera.yfov_deg,
            "height_m": spec.resolved_camera_height,
        },
        "fps": spec.plan.fps,
        "frame_count": len(truth_frames),
        "width": spec.width,
        "height": spec.height,
        "body": {"model": "anny", "phenotype": spec.phenotype, "appearance": spec.look.to_json()},
        "seed": spec.seed,
        "degradations": spec.degradations.to_json(),
        "generator": {
            "formcheck": __version__,
            "crf": spec.crf,
            "reps_planned": spec.plan.reps,
            "hold_s_planned": spec.plan.hold_s,
        },
        "faults_planted": dict(spec.plan.faults),
        "frames": truth_frames,
        "labels": {"reps": motion.reps, "holds": motion.holds, "faults": motion.fault_labels()},
    }
    truth_path = out_dir / f"{spec.name}.truth.json"
    write_truth(truth_path, truth)
    per_frame = (time.perf_counter() - started) / max(1, len(truth_frames))
    return video, truth_path, per_frame


# --- the committed sample set --------------------------------------------------------------------------------------

BODIES: dict[str, tuple[dict[str, float], Appearance]] = {
    "ava": (
        {"gender": 0.0, "age": 0.45, "muscle": 0.5, "weight": 0.45, "height": 0.45},
        Appearance(
            skin="light",
            shirt=(0.75, 0.15, 0.25),
            shorts=(0.1, 0.1, 0.12),
            hair=(0.35, 0.2, 0.1),
            long_pants=True,
            floor="wood",
            wall="white",
        ),
    ),
    "ben": (
        {"gender": 1.0, "age": 0.5, "muscle": 0.75, "weight": 0.55, "height": 0.65},
        Appearance(
            skin="brown",
            shirt=(0.15, 0.35, 0.2),
            shorts=(0.2, 0.2, 0.25),
            hair=(0.05, 0.04, 0.03),
            floor="rubber_mat",
            wall="grey",
        ),
    ),
    "carl": (
        {"gender": 0.9, "age": 0.6, "muscle": 0.35, "weight": 0.8, "height": 0.5},
        Appearance(
            skin="very_light",
            shirt=(0.3, 0.3, 0.32),
            shorts=(0.1, 0.15, 0.35),
            hair=(0.45, 0.35, 0.2),
            long_sleeves=True,
            floor="grey_tiles",
            wall="beige",
        ),
    ),
    "dina": (
        {"gender": 0.05, "age": 0.4, "muscle": 0.55, "weight": 0.3, "height": 0.55},
        Appearance(
            skin="dark",
            shirt=(0.95, 0.6, 0.1),
            shorts=(0.15, 0.1, 0.3),
            hair=(0.03, 0.03, 0.03),
            long_pants=True,
            floor="blue_mat",
            wall="green",
        ),
    ),
    "eli": (
        {"gender": 0.7, "age": 0.85, "muscle": 0.4, "weight": 0.6, "height": 0.4},
        Appearance(
            skin="tan",
            shirt=(0.2, 0.45, 0.7),
            shorts=(0.3, 0.25, 0.2),
            hair=(0.7, 0.7, 0.7),
            floor="wood",
            wall="white",
        ),
    ),
}

_CLEAN = Degradations()
_ROUGH = Degradations(blur_sigma=1.2, noise_sigma=5.0, jpeg_quality=55)

# name: (exercise, variant, faults, body, camera yaw from side, near side, degradations)
SAMPLE_CLIPS: list[tuple[str, str, str, dict[str, float], str, float, str, Degradations]] = [
    ("deadlift_clean_side", "deadlift", "conventional", {}, "ava", 5.0, "left", _CLEAN),
    ("deadlift_clean_oblique45", "deadlift", "conventional", {}, "ben", 45.0, "right", _CLEAN),
    ("deadlift_rounded_back_30", "deadlift", "conventional", {"rounded_back": 30.0}, "carl", 0.0, "left", _CLEAN),
    ("deadlift_hips_rise_first_15", "deadlift", "conventional", {"hips_rise_first": 15.0}, "ben", 8.0, "left", _ROUGH),
    ("deadlift_bar_drift_12cm", "deadlift", "conventional", {"bar_drift": 12.0}, "dina", 3.0, "right", _CLEAN),
    (
        "deadlift_lockout_hyperextension_12",
        "deadlift",
        "conventional",
        {"lockout_hyperextension": 12.0},
        "eli",
        5.0,
        "left",
        _CLEAN,
    ),
    (
        "deadlift_incomplete_lockout_15",
        "deadlift",
        "conventional",
        {"incomplete_lockout": 15.0},
        "ava",
        20.0,
        "right",
        _CLEAN,
    ),
    ("deadlift_knee_dominant_25", "deadlift", "conventional", {"knee_dominant": 25.0}, "carl", 0.0, "right", _CLEAN),
    ("plank_forearm_clean_side", "plank", "forearm", {}, "ben", 2.0, "left", _CLEAN),
    ("plank_high_clean_oblique20", "plank", "high", {}, "dina", 20.0, "left", _CLEAN),
    ("plank_forearm_hips_sag_15", "plank", "forearm", {"hips_sag": 15.0}, "ava", 0.0, "right", _CLEAN),
    ("plank_high_hips_sag_10", "plank", "high", {"hips_sag": 10.0}, "eli", 5.0, "left", _ROUGH),
    ("plank_forearm_hips_sag_5", "plank", "forearm", {"hips_sag": 5.0}, "carl", 0.0, "left", _CLEAN),
    ("plank_high_hips_pike_15", "plank", "high", {"hips_pike": 15.0}, "ben", 5.0, "right", _CLEAN),
    ("plank_forearm_head_drop_30", "plank", "forearm", {"head_drop": 30.0}, "dina", 5.0, "left", _CLEAN),
    (
        "plank_high_shoulders_not_stacked_15",
        "plank",
        "high",
        {"shoulders_not_stacked": 15.0},
        "carl",
        0.0,
        "right",
        _CLEAN,
    ),
    ("glute_bridge_clean_side", "glute_bridge", "bilateral", {}, "carl", 5.0, "left", _CLEAN),
    ("glute_bridge_clean_oblique45", "glute_bridge", "bilateral", {}, "ava", 45.0, "left", _CLEAN),
    (
        "glute_bridge_incomplete_extension_20",
        "glute_bridge",
        "bilateral",
        {"incomplete_extension": 20.0},
        "ben",
        0.0,
        "right",
        _CLEAN,
    ),
    ("glute_bridge_over_arch_15", "glute_bridge", "bilateral", {"over_arch": 15.0}, "dina", 5.0, "left", _ROUGH),
    ("glute_bridge_feet_too_far_30", "glute_bridge", "bilateral", {"feet_position": 30.0}, "eli", 0.0, "left", _CLEAN),
    (
        "glute_bridge_knees_cave_15_front",
        "glute_bridge",
        "bilateral",
        {"knees_cave": 15.0},
        "ava",
        90.0,
        "left",
        _CLEAN,
    ),
    ("bird_dog_left_clean_side", "bird_dog", "left", {}, "ben", 5.0, "left", _CLEAN),
    ("bird_dog_right_clean_oblique20", "bird_dog", "right", {}, "carl", 20.0, "right", _CLEAN),
    ("bird_dog_left_leg_too_high_20", "bird_dog", "left", {"leg_too_high": 20.0}, "dina", 0.0, "right", _CLEAN),
    ("bird_dog_right_limb_below_level_20", "bird_dog", "right", {"limb_below_level": 20.0}, "ava", 5.0, "left", _ROUGH),
    ("bird_dog_left_trunk_sag_20", "bird_dog", "left", {"trunk_sag": 20.0}, "eli", 0.0, "left", _CLEAN),
    ("bird_dog_right_trunk_rotation_20", "bird_dog", "right", {"trunk_rotation": 20.0}, "ben", 5.0, "right", _CLEAN),
    ("squat_clean_side", "squat", "bodyweight", {}, "dina", 5.0, "right", _CLEAN),
    ("squat_clean_oblique45", "squat", "bodyweight", {}, "eli", 45.0, "left", _CLEAN),
    ("squat_shallow_depth_30", "squat", "bodyweight", {"shallow_depth": 30.0}, "ava", 0.0, "left", _CLEAN),
    ("squat_forward_lean_20", "squat", "bodyweight", {"forward_lean": 20.0}, "ben", 5.0, "right", _CLEAN),
    ("squat_heels_lift_20", "squat", "bodyweight", {"heels_lift": 20.0}, "carl", 0.0, "left", _ROUGH),
    ("squat_rounded_back_30", "squat", "bodyweight", {"rounded_back": 30.0}, "ava", 0.0, "right", _CLEAN),
    ("squat_knees_cave_15_front", "squat", "bodyweight", {"knees_cave": 15.0}, "dina", 90.0, "left", _CLEAN),
    ("squat_clean_front", "squat", "bodyweight", {}, "eli", 85.0, "right", _CLEAN),
    (
        "deadlift_clean_side_occluded",
        "deadlift",
        "conventional",
        {},
        "dina",
        10.0,
        "left",
        Degradations(blur_sigma=0.8, noise_sigma=3.0, occluder=(0.0, 0.62, 0.22, 1.0)),
    ),
    ("side_plank_left_clean_front", "side_plank", "left", {}, "ava", 90.0, "left", _CLEAN),
    ("side_plank_right_clean_oblique45", "side_plank", "right", {}, "ben", 45.0, "right", _CLEAN),
    ("side_plank_left_hips_drop_15", "side_plank", "left", {"hips_drop": 15.0}, "carl", 85.0, "left", _CLEAN),
    ("side_plank_right_hips_pike_20", "side_plank", "right", {"hips_pike": 20.0}, "dina", 85.0, "right", _CLEAN),
    ("side_plank_left_trunk_rotation_20", "side_plank", "left", {"trunk_rotation": 20.0}, "eli", 90.0, "right", _CLEAN),
    (
        "side_plank_right_shoulder_not_stacked_15",
        "side_plank",
        "right",
        {"shoulder_not_stacked": 15.0},
        "ava",
        85.0,
        "left",
        _ROUGH,
    ),
    ("curl_up_left_clean_side", "curl_up", "left", {}, "ben", 5.0, "left", _CLEAN),
    ("curl_up_right_clean_oblique45", "curl_up", "right", {}, "dina", 45.0, "right", _CLEAN),
    ("curl_up_right_clean_side_far_knee", "curl_up", "right", {}, "eli", 5.0, "left", _CLEAN),
    ("curl_up_left_neck_flexion_25", "curl_up", "left", {"neck_flexion": 25.0}, "eli", 0.0, "left", _CLEAN),
    ("curl_up_right_lift_too_high_20", "curl_up", "right", {"lift_too_high": 20.0}, "ava", 5.0, "right", _CLEAN),
    ("curl_up_left_lift_too_high_12", "curl_up", "left", {"lift_too_high": 12.0}, "carl", 0.0, "right", _ROUGH),
    ("dead_bug_left_clean_side", "dead_bug", "left", {}, "ava", 5.0, "left", _CLEAN),
    ("dead_bug_right_clean_oblique45", "dead_bug", "right", {}, "eli", 45.0, "left", _CLEAN),
    ("dead_bug_right_clean_side", "dead_bug", "right", {}, "ben", 5.0, "right", _CLEAN),
    (
        "dead_bug_left_arm_leg_not_opposite_80",
        "dead_bug",
        "left",
        {"arm_leg_not_opposite": 80.0},
        "ben",
        0.0,
        "right",
        _CLEAN,
    ),
    ("dead_bug_right_trunk_moves_20", "dead_bug", "right", {"trunk_moves": 20.0}, "carl", 5.0, "left", _CLEAN),
    ("dead_bug_left_limb_too_fast_0.6s", "dead_bug", "left", {"limb_too_fast": 0.6}, "dina", 0.0, "left", _CLEAN),
]


# McGill's curl-up holds each lift for a few seconds, and a clip has two lifts: 2.5 s keeps it under 10 s.
SAMPLE_HOLD_S = {"curl_up": 2.5}


def sample_specs(fps: float = 20.0, base_seed: int = 1000) -> list[ClipSpec]:
    specs = []
    for i, (name, exercise, variant, faults, body, yaw, side, degradations) in enumerate(SAMPLE_CLIPS):
        phenotype, look = BODIES[body]
        plan = ClipPlan(exercise, variant, faults, fps=fps, reps=2, hold_s=SAMPLE_HOLD_S.get(exercise, 3.5))
        specs.append(ClipSpec(name, plan, phenotype, look, yaw, side, degradations=degradations, seed=base_seed + i))
    return specs


_MAGNITUDE_RANGES: dict[str, tuple[float, float]] = {code: (5.0, 30.0) for code in FAULT_UNITS}
_MAGNITUDE_RANGES.update(
    {
        "bar_drift": (5.0, 20.0),
        "lockout_hyperextension": (5.0, 15.0),
        "hips_sag": (5.0, 20.0),
        "hips_pike": (5.0, 25.0),
        "feet_position": (-30.0, 35.0),
        "knees_cave": (8.0, 20.0),
    }
)


# The back-care exercises are planted at two magnitudes each, a subtle and a clear one (their unit: degrees, or
# seconds for limb_too_fast), so detection can be read at both.
_MAGNITUDE_LEVELS: dict[tuple[str, str], tuple[float, float]] = {
    ("side_plank", "hips_drop"): (8.0, 15.0),
    ("side_plank", "hips_pike"): (10.0, 20.0),
    ("side_plank", "trunk_rotation"): (10.0, 25.0),
    ("side_plank", "shoulder_not_stacked"): (8.0, 15.0),
    ("curl_up", "neck_flexion"): (10.0, 25.0),
    ("curl_up", "lift_too_high"): (8.0, 20.0),
    ("dead_bug", "arm_leg_not_opposite"): (40.0, 80.0),
    ("dead_bug", "trunk_moves"): (8.0, 15.0),
    ("dead_bug", "limb_too_fast"): (0.5, 1.0),
}


def eval_specs(count: int, seed: int, fps: float = 20.0, exercises: Sequence[str] | None = None) -> list[ClipSpec]:
    """``count`` randomised clips: exercise, variant, fault (or none) and magnitude, body, clothes, room, camera.

    ``exercises`` (default: every registered one) are taken in turn; the same list, seed and count give the same
    clips, so a set measured before an exercise was added is rendered again by naming its exercises in their order.
    """
    rng = np.random.default_rng(seed)
    specs = []
    exercises = list(FAULTS) if exercises is None else list(exercises)
    unknown = [name for name in exercises if name not in FAULTS]
    if unknown or not exercises:
        named = ", ".join(unknown) or "(none given)"
        raise FormcheckError(f"unknown exercise(s) {named}; choose from {', '.join(FAULTS)}")
    for i in range(count):
        exercise = exercises[i % len(exercises)]
        variant = str(rng.choice(VARIANTS[exercise]))
        faults: dict[str, float] = {}
        if rng.random() > 0.3:
            code = str(rng.choice(FAULTS[exercise]))
            if (exercise, code) in _MAGNITUDE_LEVELS:
                faults[code] = float(rng.choice(_MAGNITUDE_LEVELS[exercise, code]))
            else:
                low, high = _MAGNITUDE_RANGES[code]
                faults[code] = round(float(rng.uniform(low, high)), 1)
        if any(code in FRONT_ONLY_FAULTS for code in faults):
            yaw = float(rng.uniform(80.0, 90.0))
        else:
            yaw = float(rng.choice([rng.uniform(0.0, 10.0), 20.0, 45.0, rng.uniform(0.0, 60.0)]))
            if MOTIONS[exercise].view == "front":
                yaw = 90.0 - yaw  # the same spread of yaws, measured off the front
        phenotype = {
            k: round(float(rng.uniform(lo, hi)), 2)
            for k, (lo, hi) in {
                "gender": (0, 1),
                "age": (0.3, 0.9),
                "muscle": (0.2, 0.8),
                "weight": (0.2, 0.85),
                "height": (0.3, 0.8),
                "proportions": (0.3, 0.7),
            }.items()
        }

        def colour(rng: np.random.Generator = rng) -> tuple[float, float, float]:
            r, g, b = (round(float(c), 2) for c in rng.uniform(0.05, 0.95, 3))
            return (r, g, b)

        look = Appearance(
            skin=str(rng.choice(list(SKIN_TONES))),
            shirt=colour(),
            shorts=colour(),
            shoes=colour(),
            hair=colour(),
            long_pants=bool(rng.random() < 0.4),
            long_sleeves=bool(rng.random() < 0.3),
            floor=str(rng.choice(list(FLOORS))),
            wall=str(rng.choice(list(WALLS))),
        )
        degradations = Degradations()
        if rng.random() < 0.35:
            degradations = Degradations(
                blur_sigma=round(float(rng.uniform(0.0, 1.8)), 2),
                noise_sigma=round(float(rng.uniform(0.0, 8.0)), 1),
                jpeg_quality=int(rng.choice([0, 40, 60])),
                occluder=(0.0, 0.6, 0.25, 1.0) if rng.random() < 0.3 else None,
            )
        plan = ClipPlan(
            exercise,
            variant,
            faults,
            fps=fps,
            reps=int(rng.integers(2, 4)),
            hold_s=round(float(rng.uniform(3.0, 6.0)), 1),
            tempo=round(float(rng.uniform(0.8, 1.3)), 2),
        )
        fault_part = "_".join(f"{k}_{abs(v):g}" for k, v in faults.items()) or "clean"
        name = f"eval{i:04d}_{exercise}_{variant}_{fault_part}_yaw{math.floor(yaw)}"
        specs.append(
            ClipSpec(
                name,
                plan,
                phenotype,
                look,
                camera_yaw_deg=round(yaw, 1),
                near_side=str(rng.choice(["left", "right"])),
                camera_height=round(
                    float(rng.uniform(*((0.6, 1.4) if exercise in ("deadlift", "squat") else (0.2, 1.0)))), 2
                ),
                yfov_deg=round(float(rng.uniform(38.0, 55.0)), 1),
                degradations=degradations,
                seed=seed * 100000 + i,
            )
        )
    return specs

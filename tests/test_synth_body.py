"""The renderer's back rounding: a flexed spine pushes the back surface out (pure numpy; one slow test renders)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from formcheck.synth.body import (
    BACK_ROUNDING_GAIN,
    BackRounding,
    LooseShirt,
    back_off_floor_weight,
    back_rounding_offsets_m,
    loose_shirt_offsets_m,
    thoracolumbar_flexion_deg,
)
from formcheck.synth.kinematics import PoseSpec, Skeleton, rot_x, solve_rotations

# A toy rest mesh, hips at z = 0 and shoulders at z = 1 (so the rounding spans z 0.05-0.85 and peaks at 0.45).
# Rows: back, middle and front of the mid-back slice; half-way back in it; the back and front of a slice at z = 0.25
# (sin² profile 0.5); a back point above the span and one below the hips; an arm point behind the mid-back.
TOY_VERTICES_M = np.array(
    [
        [0.0, 0.1, 0.45],
        [0.0, 0.0, 0.45],
        [0.0, -0.1, 0.45],
        [0.05, 0.05, 0.45],
        [0.0, 0.1, 0.25],
        [0.0, -0.1, 0.25],
        [0.0, 0.1, 0.95],
        [0.0, 0.1, -0.2],
        [0.3, 0.3, 0.45],
    ]
)
TOY_MOVABLE = np.array([True] * 8 + [False])


def _toy_offsets(flexion_deg: float) -> np.ndarray:
    return back_rounding_offsets_m(TOY_VERTICES_M, TOY_MOVABLE, 0.0, 1.0, flexion_deg)


def test_a_neutral_or_extended_spine_leaves_the_mesh_alone() -> None:
    assert np.array_equal(_toy_offsets(0.0), np.zeros_like(TOY_VERTICES_M))
    assert np.array_equal(_toy_offsets(-15.0), np.zeros_like(TOY_VERTICES_M))


def test_thirty_degrees_push_the_mid_back_out_by_gain_times_trunk_times_flexion() -> None:
    peak_m = BACK_ROUNDING_GAIN * 1.0 * math.radians(30.0)
    assert peak_m == pytest.approx(0.10471975511965977, abs=1e-15)
    offsets = _toy_offsets(30.0)
    expected_y = [peak_m, 0.0, 0.0, 0.5 * peak_m, 0.5 * peak_m, 0.0, 0.0, 0.0, 0.0]
    np.testing.assert_allclose(offsets[:, 1], expected_y, rtol=0, atol=1e-15)
    assert np.array_equal(offsets[:, [0, 2]], np.zeros((len(TOY_VERTICES_M), 2)))  # only dorsally


def test_the_rounding_grows_in_proportion_to_the_flexion() -> None:
    back_y = [_toy_offsets(flexion)[0, 1] for flexion in (10.0, 20.0, 30.0, 45.0)]
    assert back_y == sorted(back_y) and back_y[0] > 0.0
    np.testing.assert_allclose(_toy_offsets(20.0), 2.0 * _toy_offsets(10.0), rtol=1e-12, atol=0)


def test_only_back_surface_torso_vertices_move() -> None:
    moved = np.flatnonzero(np.any(_toy_offsets(45.0) != 0.0, axis=1))
    assert moved.tolist() == [0, 3, 4]  # not the front, the middle, above the shoulder blades, below the hips, an arm


def test_flexion_is_read_back_from_the_posed_rotations() -> None:
    skeleton = Skeleton.default()
    for spec, expected in (
        (PoseSpec(trunk=58.0, spine_flex=30.0), 30.0),
        (PoseSpec(trunk=58.0, spine_flex=30.0, side_lean=90.0), 30.0),
        (PoseSpec(trunk=-90.0, spine_flex=-12.0), -12.0),
        (PoseSpec(trunk=20.0), 0.0),
    ):
        assert thoracolumbar_flexion_deg(solve_rotations(skeleton, spec)) == pytest.approx(expected, abs=1e-9)


def test_a_back_lying_on_the_floor_does_not_round() -> None:
    """The pelvis pitched by ``a``: its back faces z = sin(a) (standing 0, hinged forward up, lying on it -1)."""
    weights = [back_off_floor_weight({"spine05": rot_x(pitch)}) for pitch in (58.0, 0.0, -10.0, -30.0, -60.0, -90.0)]
    np.testing.assert_allclose(weights, [1.0, 1.0, 1.0, 0.5, 0.0, 0.0], atol=1e-12)


def test_a_curl_up_renders_as_before() -> None:
    """McGill's curl-up flexes the spine lying on the back (up to 48.6° with a 20° lift_too_high): no rounding."""
    from formcheck.synth.motions import ClipPlan, build_motion  # noqa: PLC0415 - keeps the test module light

    skeleton = Skeleton.default()
    motion = build_motion(ClipPlan("curl_up", "left", {"lift_too_high": 20.0}, fps=5.0, reps=1), skeleton)
    rotations = [solve_rotations(skeleton, spec) for spec in motion.specs]
    assert max(thoracolumbar_flexion_deg(r) for r in rotations) > 45.0
    assert max(back_off_floor_weight(r) for r in rotations) == 0.0


def test_posed_offsets_turn_with_the_skinning_bones() -> None:
    per_rad = np.array([[0.0, 0.2, 0.0], [0.0, 0.1, 0.0]])
    rounding = BackRounding(
        vertex_ids=np.array([3, 7]),
        offsets_per_rad_m=per_rad,
        weights=np.array([[1.0, 0.0], [0.5, 0.5]]),
        bone_ids=np.array([[0, 1], [0, 1]]),
        rest_bone_rotations=np.stack([np.eye(3), rot_x(90.0)]),
    )
    # Bone 0 pitched 90° forward from rest; bone 1 already at rest 90° and not turned since.
    posed = np.stack([rot_x(90.0), rot_x(90.0)])
    offsets = rounding.posed_offsets_m(posed, math.degrees(0.5))
    np.testing.assert_allclose(offsets, [[0.0, 0.0, 0.1], [0.0, 0.025, 0.025]], atol=1e-15)
    assert np.array_equal(rounding.posed_offsets_m(posed, -10.0), np.zeros((2, 3)))


def _toy_back(back_y_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A torso sliced every centimetre from z -0.095 to 0.895 (hips at 0, shoulders at 1): one back vertex with the
    given profile, one front vertex per slice; then an arm point behind the mid-back. Returns vertices and movable."""
    z = -0.095 + 0.01 * np.arange(len(back_y_m))
    back = np.stack([np.zeros_like(z), back_y_m, z], axis=1)
    front = np.stack([np.zeros_like(z), np.full_like(z, -0.1), z], axis=1)
    vertices = np.concatenate([back, front, [[0.3, 0.3, 0.405]]])
    return vertices, np.arange(len(vertices)) < len(vertices) - 1


TOY_SLICE_Z_M = -0.095 + 0.01 * np.arange(100)
LUMBAR_HOLLOW_M = 0.03 * np.sin(np.pi * (TOY_SLICE_Z_M + 0.1))  # 3 cm deep mid-back, 0 at the buttocks and blades


def test_a_loose_shirt_bridges_the_lumbar_hollow() -> None:
    vertices, movable = _toy_back(0.08 - LUMBAR_HOLLOW_M)
    offsets = loose_shirt_offsets_m(vertices, movable, 0.0, 1.0)
    # The shirt runs straight between the end slices (both 0.08 - hollow[0]); the gap under it is averaged over 5 cm.
    expected_m = float(np.mean(LUMBAR_HOLLOW_M[48:53]) - LUMBAR_HOLLOW_M[0])
    assert offsets[50, 1] == pytest.approx(expected_m, abs=1e-12)
    assert offsets[50, 1] == pytest.approx(0.029495, abs=1e-6)
    assert np.array_equal(offsets[100:], np.zeros((101, 3)))  # front vertices and the arm stay
    assert np.array_equal(offsets[:, [0, 2]], np.zeros((len(vertices), 2)))
    assert float(offsets[:, 1].min()) >= 0.0


def test_a_loose_shirt_leaves_a_convex_back_alone() -> None:
    vertices, movable = _toy_back(0.05 + LUMBAR_HOLLOW_M)
    assert np.array_equal(loose_shirt_offsets_m(vertices, movable, 0.0, 1.0), np.zeros_like(vertices))


def test_a_loose_shirt_is_worn_at_any_flexion_and_a_rounding_back_pushes_it_out() -> None:
    # A 5-cm hollow mid-back, which a flexion of 0.5 rad exactly fills; one back-surface vertex there.
    shirt = LooseShirt(
        slice_z_m=np.array([0.0, 0.5, 1.0]),
        back_y_m=np.array([0.1, 0.05, 0.1]),
        rounding_per_rad_m=np.array([0.0, 0.1, 0.0]),
        vertex_z_m=np.array([0.5]),
        vertex_depth=np.array([1.0]),
    )
    rounding = BackRounding(
        vertex_ids=np.array([3]),
        offsets_per_rad_m=np.array([[0.0, 0.1, 0.0]]),
        weights=np.array([[1.0]]),
        bone_ids=np.array([[0]]),
        rest_bone_rotations=np.eye(3)[None],
        shirt=shirt,
    )
    at_rest = np.eye(3)[None]
    # Gap under the shirt, averaged over 5 slices (the ends padded): 0.05 / 5 flat, 0.025 / 5 at 0.25 rad, 0 beyond.
    dorsal_m = [rounding.posed_offsets_m(at_rest, math.degrees(rad))[0, 1] for rad in (0.0, 0.25, 0.5, 1.0)]
    np.testing.assert_allclose(dorsal_m, [0.01, 0.025 + 0.005, 0.05, 0.1], atol=1e-15)
    assert rounding.posed_offsets_m(at_rest, -10.0)[0, 1] == pytest.approx(0.01, abs=1e-15)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("loose_shirt", "clean_range", "rounded_above"), [(False, (-0.08, 0.0), 0.06), (True, (-0.035, 0.023), 0.06)]
)
def test_a_rendered_rounded_back_bulges_in_the_person_mask(
    loose_shirt: bool, clean_range: tuple[float, float], rounded_above: float
) -> None:
    """ava at the deadlift's bottom, seen from the side: a clean back reads hollow (painted-on shirt) or about flat
    like real flat backs (loose shirt, real ones read at most 0.023); a 30° rounding clearly convex."""
    pytest.importorskip("torch")
    pytest.importorskip("anny")
    pytest.importorskip("pyrender")
    pytest.importorskip("mediapipe")
    from formcheck.pose.extract import back_bulge_of  # noqa: PLC0415 - mediapipe loads only here
    from formcheck.pose.landmarker import LandmarkerSettings, PoseLandmarker, RunningMode  # noqa: PLC0415
    from formcheck.synth.body import RenderedBody, configure_caches  # noqa: PLC0415 - optional dependency
    from formcheck.synth.camera import frame_camera  # noqa: PLC0415
    from formcheck.synth.generate import BODIES  # noqa: PLC0415
    from formcheck.synth.kinematics import Limb, place, pose  # noqa: PLC0415
    from formcheck.synth.render import Renderer, vertex_colours  # noqa: PLC0415

    configure_caches(Path.home() / ".cache" / "formcheck-synth")
    phenotype, look = BODIES["ava"]
    body = RenderedBody.load(phenotype, loose_shirt=loose_shirt)
    legs = Limb(upper=125.0, lower=192.0, end=107.0)
    meshes = []
    for flexion in (0.0, 30.0):
        spec = PoseSpec(trunk=58.0, spine_flex=flexion, neck_flex=-14.5).with_limbs(arms=Limb(lat_upper=0.1), legs=legs)
        spec = place(body.skeleton, spec, "left_ankle", 0.0, body.skeleton.height_above_floor("foot.L"))
        vertices, _, _ = body.posed(pose(body.skeleton, spec).rotations, np.asarray(spec.translation))
        meshes.append(vertices)
    cloud = np.concatenate([m[::25] for m in meshes])
    camera = frame_camera(cloud, 0.0, "left", 480, 360, 45.0, 0.9)
    rng = np.random.default_rng(1)
    renderer = Renderer(camera, look, rng, cloud.mean(axis=0))
    colours = vertex_colours(body, body.rest_vertices, look, rng)
    bulges = []
    with PoseLandmarker(LandmarkerSettings(mode=RunningMode.IMAGE, segmentation=True)) as landmarker:
        for vertices in meshes:
            image = renderer.render(vertices, body.faces, colours)
            found = landmarker.detect(image)
            bulges.append(back_bulge_of(found[0], image.shape))
    renderer.close()
    assert clean_range[0] < bulges[0] < clean_range[1]
    assert bulges[1] > rounded_above

"""Features on single stick-figure frames whose true angles are known exactly."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck import geometry
from formcheck.features import FEATURES, Body, compute_features
from formcheck.geometry import Side
from formcheck.smoothing import gate_visibility, smooth_offline
from formcheck.testing.scenarios import SCENARIOS
from formcheck.testing.synthetic_pose import Camera, Limbs, StickPose, render_sequence
from formcheck.types import Landmark

SIDES = (Side.LEFT, Side.RIGHT)


def features_of(pose: StickPose, near: Side = Side.RIGHT, yaw_deg: float = 90.0) -> dict[str, float]:
    seq = render_sequence([pose, pose], Camera(yaw_deg=yaw_deg, near=near))
    return {name: float(values[0]) for name, values in compute_features(Body.from_sequence(seq)).items()}


def plank(sag_deg: float = 0.0, neck_deg: float = 0.0) -> StickPose:
    legs = Limbs(upper_arm=180.0, forearm=90.0, thigh=261.0 + sag_deg / 2, shin=261.0 + sag_deg / 2, foot=180.0)
    return StickPose(trunk=81.0 - sag_deg / 2, neck=neck_deg, left=legs, right=legs)


def test_every_feature_name_carries_its_unit() -> None:
    assert all(name.endswith(("_deg", "_norm", "_ratio", "_s")) for name in FEATURES)


def test_unknown_feature_is_refused() -> None:
    seq = render_sequence([StickPose()], Camera())
    with pytest.raises(KeyError, match="no_such_deg"):
        compute_features(Body.from_sequence(seq), ("no_such_deg",))


@pytest.mark.parametrize("near", SIDES)
@pytest.mark.parametrize("sag", [15.0, -16.0, 0.0])
def test_plank_hip_line_deviation_is_signed_toward_the_floor(near: Side, sag: float) -> None:
    values = features_of(plank(sag_deg=sag), near)
    assert values["hip_line_deviation_deg"] == pytest.approx(sag, abs=1e-5)


@pytest.mark.parametrize("near", SIDES)
@pytest.mark.parametrize("neck", [20.0, -10.0])
def test_ear_shoulder_hip_is_positive_for_flexion(near: Side, neck: float) -> None:
    assert features_of(StickPose(neck=neck), near)["ear_shoulder_hip_signed_deg"] == pytest.approx(neck, abs=1e-5)
    prone = features_of(plank(neck_deg=neck), near)["ear_shoulder_hip_signed_deg"]
    assert prone == pytest.approx(neck, abs=1e-5)


@pytest.mark.parametrize("near", SIDES)
def test_standing_figure(near: Side) -> None:
    values = features_of(StickPose(), near)
    assert values["trunk_to_vertical_deg"] == pytest.approx(0.0, abs=1e-5)
    assert values["thigh_elevation_deg"] == pytest.approx(90.0, abs=1e-5)
    assert values["shoulder_hip_knee_deg"] == pytest.approx(180.0, abs=1e-5)
    assert values["hip_height_norm"] == pytest.approx(1.0, abs=1e-5)
    assert values["shoulder_height_norm"] == pytest.approx(1.0, abs=1e-5)
    assert values["ventral_downward_ratio"] == pytest.approx(0.0, abs=1e-5)
    assert values["camera_yaw_deg"] == pytest.approx(90.0, abs=1e-5)
    assert values["heel_lift_norm"] == pytest.approx(0.0, abs=1e-5)


@pytest.mark.parametrize("near", SIDES)
def test_leaning_back_reads_as_positive_hip_deviation(near: Side) -> None:
    values = features_of(StickPose(trunk=-15.0), near)
    assert values["shoulder_hip_knee_deviation_deg"] == pytest.approx(15.0, abs=1e-5)
    hinge = features_of(StickPose(trunk=60.0, left=Limbs(thigh=170.0), right=Limbs(thigh=170.0)), near)
    assert hinge["shoulder_hip_knee_deviation_deg"] == pytest.approx(-70.0, abs=1e-5)
    assert hinge["trunk_to_vertical_deg"] == pytest.approx(60.0, abs=1e-5)


def test_thigh_and_shin_angles() -> None:
    legs = Limbs(thigh=95.0, shin=210.0)
    values = features_of(StickPose(trunk=35.0, left=legs, right=legs))
    assert values["thigh_elevation_deg"] == pytest.approx(5.0, abs=1e-5)
    assert values["shin_to_vertical_deg"] == pytest.approx(30.0, abs=1e-5)
    assert values["hip_knee_ankle_deg"] == pytest.approx(65.0, abs=1e-5)
    assert values["shoulder_hip_knee_deg"] == pytest.approx(60.0, abs=1e-5)
    assert values["knee_minus_hip_angle_deg"] == pytest.approx(5.0, abs=1e-5)


def test_lying_face_down_and_face_up() -> None:
    assert features_of(plank())["ventral_downward_ratio"] == pytest.approx(np.cos(np.radians(9.0)), abs=1e-5)
    legs = Limbs(upper_arm=-90.0, forearm=-90.0, thigh=64.0, shin=154.0)
    bridge = features_of(StickPose(trunk=-116.0, left=legs, right=legs))
    assert bridge["ventral_downward_ratio"] == pytest.approx(-np.cos(np.radians(26.0)), abs=1e-5)
    assert bridge["hip_lift_deg"] == pytest.approx(26.0, abs=1e-5)
    assert bridge["shoulder_hip_knee_deviation_deg"] == pytest.approx(0.0, abs=1e-5)
    assert bridge["hip_knee_ankle_deg"] == pytest.approx(90.0, abs=1e-5)


def test_bird_dog_limbs_and_pelvis_roll() -> None:
    support = Limbs(upper_arm=180.0, forearm=180.0, thigh=180.0, shin=270.0)
    left = Limbs(upper_arm=100.0, forearm=100.0, thigh=180.0, shin=270.0)
    right = Limbs(upper_arm=180.0, forearm=180.0, thigh=285.0, shin=285.0)
    values = features_of(StickPose(trunk=90.0, left=left, right=right, pelvis_roll=20.0))
    assert values["arm_elevation_deg"] == pytest.approx(-10.0, abs=1e-5)
    assert values["leg_elevation_deg"] == pytest.approx(15.0, abs=1e-5)
    assert values["limb_reach_deg"] == pytest.approx(-10.0, abs=1e-5)
    assert values["arm_raise_asymmetry_deg"] == pytest.approx(80.0, abs=1e-5)
    assert values["pelvis_roll_deg"] == pytest.approx(20.0, abs=1e-5)
    assert features_of(StickPose(trunk=90.0, left=support, right=support))["pelvis_roll_deg"] == pytest.approx(0.0)


def test_limb_reach_with_a_hidden_ankle_is_known_only_while_an_arm_hangs_down() -> None:
    """On all fours filmed at 45° the kneeling shins hide an ankle: the reach is at most the arms' (hanging: the
    person is at rest, where a rep starts); with the arm raised and a leg unseen, and no guess of where it is, it
    stays unknown."""
    support = Limbs(upper_arm=180.0, forearm=180.0, thigh=180.0, shin=270.0)
    reaching = Limbs(upper_arm=95.0, forearm=95.0, thigh=180.0, shin=270.0)

    def reach(left: Limbs, right: Limbs) -> float:
        seq = gate_visibility(
            render_sequence([StickPose(trunk=90.0, left=left, right=right)] * 2, hidden=(Landmark.LEFT_ANKLE,))
        )
        return float(compute_features(Body.from_sequence(seq))["limb_reach_deg"][0])

    assert reach(support, support) == pytest.approx(-90.0, abs=1e-5)
    assert np.isnan(reach(reaching, support))


def test_support_arm_sign_and_variant_contact() -> None:
    forearm = features_of(plank())
    assert forearm["support_arm_to_vertical_deg"] == pytest.approx(0.0, abs=1e-5)
    assert forearm["elbow_deg"] == pytest.approx(90.0, abs=1e-5)
    ahead = Limbs(upper_arm=200.0, forearm=200.0, thigh=250.0, shin=250.0, foot=180.0)
    high = features_of(StickPose(trunk=70.0, left=ahead, right=ahead))
    assert high["support_arm_to_vertical_deg"] == pytest.approx(20.0, abs=1e-5)


def test_straight_arm_lean_only_on_straight_arm_frames() -> None:
    assert np.isnan(features_of(plank())["straight_arm_to_vertical_deg"])
    ahead = Limbs(upper_arm=200.0, forearm=200.0, thigh=250.0, shin=250.0, foot=180.0)
    high = features_of(StickPose(trunk=70.0, left=ahead, right=ahead))
    assert high["straight_arm_to_vertical_deg"] == pytest.approx(20.0, abs=1e-5)
    # An elbow reading 150° on a plank is no firm straight arm (a guessed, hidden wrist reads like this): only the
    # loose support-arm limit applies to it.
    kinked = Limbs(upper_arm=200.0, forearm=170.0, thigh=250.0, shin=250.0, foot=180.0)
    guessed = features_of(StickPose(trunk=70.0, left=kinked, right=kinked))
    assert guessed["elbow_deg"] == pytest.approx(150.0, abs=1e-5)
    assert np.isnan(guessed["straight_arm_to_vertical_deg"])
    assert np.isfinite(guessed["support_arm_to_vertical_deg"])


def test_front_view_knee_width_and_yaw() -> None:
    straight = features_of(StickPose(stance_m=0.06), yaw_deg=0.0)
    assert straight["knee_ankle_width_ratio"] == pytest.approx(1.0, abs=1e-5)
    assert straight["camera_yaw_deg"] < 28.0
    caved = features_of(StickPose(stance_m=0.06, knee_in_m=0.05), yaw_deg=0.0)
    assert caved["knee_ankle_width_ratio"] == pytest.approx(0.10 / 0.15, abs=1e-5)


def test_heel_lift_and_bar_position() -> None:
    lifted = Limbs(foot=110.0)
    heel = features_of(StickPose(left=lifted, right=lifted))["heel_lift_norm"]
    assert heel == pytest.approx(0.2 * np.sin(np.radians(20.0)) / 0.88, abs=1e-5)
    forward_arms = Limbs(upper_arm=90.0, forearm=90.0)
    bar = features_of(StickPose(left=forward_arms, right=forward_arms))["wrist_ahead_of_midfoot_norm"]
    assert bar == pytest.approx((0.57 - 0.05) / 0.88, abs=1e-5)


def test_back_bulge_passes_through_and_is_nan_without_outline() -> None:
    assert features_of(StickPose(back_bulge=0.06))["back_bulge_norm"] == pytest.approx(0.06)
    assert features_of(StickPose(back_bulge=0.06))["back_sag_norm"] == pytest.approx(-0.06)
    assert np.isnan(features_of(StickPose())["back_bulge_norm"])


def test_missing_pose_gives_nan_not_numbers() -> None:
    seq = render_sequence([StickPose(), StickPose()], Camera())
    seq.landmarks[1] = np.nan
    seq.world[1] = np.nan
    values = compute_features(Body.from_sequence(seq))
    assert all(np.isnan(column[1]) for name, column in values.items() if not name.startswith("back_"))


def test_camera_yaw_follows_the_set_up_not_a_frame_that_collapses_the_far_side() -> None:
    seq = SCENARIOS["plank"].build(None, Camera(yaw_deg=65.0))
    glitch = slice(100, 104)  # four frames (0.13 s) in which MediaPipe pulls the far side onto the near one
    for far, near in ((Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER), (Landmark.LEFT_HIP, Landmark.RIGHT_HIP)):
        seq.landmarks[glitch, far, :2] = seq.landmarks[glitch, near, :2]
        seq.world[glitch, far, 0] = seq.world[glitch, near, 0]  # all of the shoulder line's width is depth
    body = Body.from_sequence(seq)
    assert np.all(geometry.camera_yaw_deg(body.xy, body.world)[glitch] > 85.0)  # this frame alone: side-on
    yaw = compute_features(body, ("camera_yaw_deg",))["camera_yaw_deg"]
    assert np.nanmax(yaw) < 70.0
    assert yaw[102] == pytest.approx(np.nanmedian(yaw), abs=1.0)


def test_bird_dog_reps_are_counted_when_the_far_wrist_hides_behind_the_near_arm() -> None:
    """Filmed from the side, the far wrist of the hanging arm is behind the near arm: MediaPipe's guess of it (kept
    by the smoother for whole-body measures) lets the set-up read as all fours, where each rep starts."""
    from formcheck.analysis import analyze_sequence  # noqa: PLC0415

    scenario = SCENARIOS["bird_dog"]
    sequence = scenario.build(None)
    far = Side.RIGHT if Body.from_sequence(sequence).near is Side.LEFT else Side.LEFT
    wrist = Landmark.LEFT_WRIST if far is Side.LEFT else Landmark.RIGHT_WRIST
    elevation = compute_features(Body.from_sequence(sequence))["arm_raise_asymmetry_deg"]
    far_arm_hanging = (elevation > 0) if far is Side.RIGHT else (elevation < 0)
    far_arm_hanging |= np.abs(elevation) < 20.0  # on all fours both arms hang
    sequence.landmarks[far_arm_hanging, int(wrist), 3] = 0.0
    report = analyze_sequence(smooth_offline(sequence), exercise="bird_dog")  # as the pipeline judges a clip
    assert len(report.reps) == scenario.reps
    assert report.faults == ()

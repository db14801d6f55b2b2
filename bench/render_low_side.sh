#!/usr/bin/env bash
# Render the clips that set the per-check side-view boundaries (Check.side_view_min_yaw_deg): plank (clean, hips_sag
# 15, hips_pike 15), glute bridge (clean, over_arch 15) and bird dog (clean, trunk_sag 20) filmed by a low camera
# (0.2 m: a phone on the floor; 0.45 m: the floor-exercise default) turned 0-45° off the side. Needs the synth
# extra (pip install -e '.[synth]'); ~68 clips, ~45 min on 2 cores. Not committed; then:
#   .venv/bin/python bench/view_stability.py OUT_DIR       # estimated yaw and each check's measure vs side-on
#   .venv/bin/formcheck evaluate OUT_DIR --min-magnitude 10  # what the judge says on each clip
set -euo pipefail
out="${1:?usage: bench/render_low_side.sh OUT_DIR}"
formcheck="${FORMCHECK:-.venv/bin/formcheck}"
export PYOPENGL_PLATFORM="${PYOPENGL_PLATFORM:-egl}"
render() { "$formcheck" synth "$out" --skip-existing --fps 12 "$@"; }
for height in 0.2 0.45; do
  for off in 0 15 25 30 35 45; do
    render --exercise plank --yaw "$off" --camera-height "$height"
    render --exercise plank --yaw "$off" --camera-height "$height" --fault hips_sag=15
    render --exercise plank --yaw "$off" --camera-height "$height" --fault hips_pike=15
  done
  for off in 0 15 30 45; do
    render --exercise glute_bridge --yaw "$off" --camera-height "$height"
    render --exercise glute_bridge --yaw "$off" --camera-height "$height" --fault over_arch=15
    render --exercise bird_dog --yaw "$off" --camera-height "$height"
    render --exercise bird_dog --yaw "$off" --camera-height "$height" --fault trunk_sag=20
  done
done

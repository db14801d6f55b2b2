#!/usr/bin/env bash
# Render faulty clips seen from 45 degrees, one per fault that formcheck finds from the side, to check issue 4's
# "at 45 deg either correct or unjudged, never a confident wrong cue" (needs the synth extra:
# pip install -e '.[synth]'). Not committed; docs/evaluation.md has the figures.
#   bash bench/render_oblique.sh OUT_DIR            # 12 clips, ~6 min on 2 cores
#   .venv/bin/formcheck evaluate OUT_DIR
set -euo pipefail
out="${1:?usage: bench/render_oblique.sh OUT_DIR}"
formcheck="${FORMCHECK:-.venv/bin/formcheck}"
render() { "$formcheck" synth "$out" --skip-existing --yaw 45 "$@"; }
render --exercise squat --fault forward_lean=20 --body ava --seed 71
render --exercise deadlift --fault rounded_back=30 --body carl --seed 72
render --exercise plank --variant forearm --fault hips_sag=15 --body ben --seed 73
render --exercise glute_bridge --fault incomplete_extension=20 --body dina --seed 74
render --exercise bird_dog --variant left --fault leg_too_high=20 --body eli --seed 75
render --exercise squat --fault shallow_depth=30 --body carl --seed 76 --near-side right
render --exercise deadlift --fault bar_drift=12 --body ben --seed 77 --near-side right
render --exercise plank --variant high --fault head_drop=30 --body ava --seed 78 --near-side right
render --exercise glute_bridge --fault over_arch=15 --body eli --seed 79 --near-side right
render --exercise deadlift --fault lockout_hyperextension=12 --body dina --seed 80
render --exercise squat --fault heels_lift=20 --body ben --seed 81
render --exercise deadlift --fault knee_dominant=25 --body eli --seed 82 --near-side right

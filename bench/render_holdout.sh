#!/usr/bin/env bash
# Render the held-out clips used in docs/evaluation.md to check threshold changes against bodies, seeds and camera
# angles the committed sample_videos/ do not have (needs the synth extra: pip install -e '.[synth]').
#   bash bench/render_holdout.sh OUT_DIR            # ~21 clips, ~40 min on 2 cores
#   .venv/bin/formcheck evaluate OUT_DIR
set -euo pipefail
out="${1:?usage: bench/render_holdout.sh OUT_DIR}"
formcheck="${FORMCHECK:-.venv/bin/formcheck}"
render() { "$formcheck" synth "$out" --skip-existing "$@"; }
render --exercise squat --fault heels_lift=15 --yaw 5 --body dina --seed 11
render --exercise squat --fault heels_lift=25 --yaw 0 --body ben --seed 12 --near-side right
render --exercise squat --yaw 8 --body ava --seed 13
render --exercise deadlift --fault incomplete_lockout=12 --yaw 5 --body dina --seed 21
render --exercise deadlift --fault incomplete_lockout=22 --yaw 0 --body ben --seed 22 --near-side right
render --exercise deadlift --yaw 0 --body carl --seed 23
render --exercise deadlift --yaw 10 --body eli --seed 24 --near-side right
render --exercise plank --variant high --fault hips_pike=12 --yaw 0 --body ava --seed 31
render --exercise plank --variant forearm --fault hips_pike=20 --yaw 5 --body carl --seed 32 --near-side right
render --exercise plank --variant high --yaw 5 --body ben --seed 33
render --exercise plank --variant forearm --yaw 0 --body eli --seed 34
render --exercise deadlift --fault rounded_back=20 --yaw 0 --body ben --seed 41
render --exercise deadlift --fault rounded_back=28 --yaw 8 --body eli --seed 42 --near-side right
render --exercise deadlift --fault hips_rise_first=15 --yaw 0 --body carl --seed 43
render --exercise deadlift --fault hips_rise_first=25 --yaw 5 --body ava --seed 44 --near-side right
render --exercise bird_dog --variant left --fault trunk_sag=15 --yaw 0 --body carl --seed 51
render --exercise bird_dog --variant right --fault trunk_sag=25 --yaw 5 --body eli --seed 52
render --exercise bird_dog --variant right --fault trunk_rotation=15 --yaw 0 --body ava --seed 53
render --exercise bird_dog --variant left --fault trunk_rotation=25 --yaw 5 --body dina --seed 54 --near-side right
render --exercise bird_dog --variant left --yaw 0 --body ben --seed 55
render --exercise glute_bridge --yaw 0 --body carl --seed 61

"""``formcheck evaluate PATH``: score formcheck on labelled clips (rendered truth files or a labelled manifest)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from formcheck.commands.common import add_equipment_argument, add_fps_argument, add_model_argument, writable_output
from formcheck.evaluation import HOLD_TOLERANCE_S, LabelledClip, Prediction, Rate, Scores, SourceScore, TimedHold
from formcheck.types import PoseSequence

Recognised = tuple[str | None, float | None]  # (exercise recognised with --exercise auto, its confidence)

log = logging.getLogger(__name__)

LABELLED = "labelled"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from formcheck.analysis import AUTO  # noqa: PLC0415
    from formcheck.exercises import PROFILES  # noqa: PLC0415

    parser = subparsers.add_parser(
        "evaluate",
        help="score formcheck on labelled clips: fault precision/recall/F1, rep counts, false cues",
        description=(
            "Run the analysis over a folder of rendered clips with .truth.json files, or over a labelled manifest "
            "CSV (file, exercise, label, view), and print clip-level scores. Landmarks are cached per clip, so "
            "running it again after changing thresholds does not run the pose model again."
        ),
    )
    parser.add_argument("path", type=Path, help="folder of clips with .truth.json files, or a manifest .csv")
    parser.add_argument("--json", type=Path, metavar="OUT", help="write the scores (and per-clip results) as JSON")
    add_model_argument(parser)
    add_fps_argument(parser)
    parser.add_argument(
        "--exercise",
        choices=(LABELLED, AUTO),
        default=LABELLED,
        help="judge each clip as its labelled exercise (default) or as the recognised one; "
        "recognition accuracy is reported either way",
    )
    parser.add_argument("--profile", choices=PROFILES, default="standard", help="threshold profile")
    add_equipment_argument(parser)
    parser.add_argument(
        "--cache", type=Path, default=None, metavar="DIR", help="landmark cache folder (default: ~/.cache/formcheck)"
    )
    parser.add_argument("--no-cache", action="store_true", help="always run the pose model")
    parser.add_argument(
        "--min-magnitude",
        type=float,
        default=0.0,
        metavar="DEG",
        help="rendered clips: ignore planted faults smaller than this many degrees (neither hit nor false alarm); "
        "faults in other units (seconds, centimetres) are kept",
    )
    parser.add_argument(
        "--include-unlabeled",
        action="store_true",
        help="manifest: also run 'unlabeled' clips (listed and counted for recognition, never for fault scores)",
    )
    parser.add_argument(
        "--reps",
        type=Path,
        metavar="CSV",
        help="manifest: true rep counts (columns file, reps and optionally sure; 'no' rows are not scored), e.g. "
        "bench/real_clip_reps.csv",
    )
    parser.add_argument(
        "--relabel",
        type=Path,
        metavar="CSV",
        help="manifest: corrected labels (columns file, label, evidence) for clips whose manifest label what they show "
        "contradicts, each with the evidence, e.g. bench/real_clip_labels.csv",
    )
    parser.add_argument(
        "--live",
        action="store_true",
        help="replay each clip's landmarks frame by frame through the live coach (what a webcam session would have "
        "shown: reps counted as they finish, cues shown) instead of analysing the recorded video; the exercise is "
        "the labelled one, as a live session's is chosen, so recognition is not scored",
    )
    parser.add_argument(
        "--no-loso",
        action="store_true",
        help="skip the leave-one-source-out figures (thresholds chosen on the other sources, scored on each source; "
        "run by default when the clips come from two or more sources)",
    )
    parser.add_argument("--quiet", action="store_true", help="do not list every clip")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from formcheck.evaluation import (  # noqa: PLC0415
        default_cache_dir,
        load_labelled,
        with_corrected_labels,
        with_rep_counts,
    )
    from formcheck.types import FormcheckError  # noqa: PLC0415

    for given in (args.path, args.reps, args.relabel):
        if given is not None and not given.exists():
            raise FormcheckError(f"{given}: no such file or folder")
    if args.live and args.exercise != LABELLED:
        raise FormcheckError("--live judges each clip as its labelled exercise (a live session's is chosen)")
    if args.json is not None:
        writable_output(args.json)
    clips = load_labelled(args.path, args.min_magnitude, args.include_unlabeled)
    if args.reps is not None:
        clips = with_rep_counts(clips, args.reps)
    if args.relabel is not None:
        clips = with_corrected_labels(clips, args.relabel)
    cache = None if args.no_cache else (args.cache or default_cache_dir())
    results = evaluate_clips(
        clips,
        args.model,
        args.fps,
        cache,
        args.exercise,
        args.profile,
        verbose=not args.quiet,
        live=args.live,
        equipment=args.equipment,
    )
    from formcheck.evaluation import score, score_by_source  # noqa: PLC0415
    from formcheck.exercises import EXERCISES  # noqa: PLC0415

    codes = {name: [c.code for c in spec.checks] for name, spec in EXERCISES.items()}
    pairs = [(clip, pred) for clip, pred, _ in results]
    recognisable = () if args.live else EXERCISES
    scores = score(pairs, recognisable, {c.exercise: codes[c.exercise] for c in clips if c.exercise in codes})
    sys.stdout.write(format_scores(scores) + "\n")
    by_view = _scores_by_view(pairs, {c.exercise: codes[c.exercise] for c in clips if c.exercise in codes})
    for name, view_scores in by_view.items():
        sys.stdout.write(f"\n== {name} ==" + format_scores(view_scores) + "\n")
    by_source = score_by_source(pairs)
    sys.stdout.write(format_sources(by_source) + "\n")
    held_out = None
    if not args.live and not args.no_loso and len({clip.source for clip in clips if clip.labelled}) > 1:
        held_out = _leave_one_source_out(results, args, cache, codes)
    if args.json is not None:
        payload = scores.to_json_dict()
        payload["by_source"] = [row.to_json_dict() for row in by_source]
        if held_out is not None:
            payload["leave_one_source_out"] = held_out
        if by_view:
            payload["by_view"] = {name: view_scores.to_json_dict() for name, view_scores in by_view.items()}
        payload["settings"] = {
            "path": str(args.path),
            "model": args.model,
            "fps": args.fps,
            "exercise": args.exercise,
            "profile": args.profile,
            "min_magnitude": args.min_magnitude,
            "reps": None if args.reps is None else str(args.reps),
            "relabel": None if args.relabel is None else str(args.relabel),
            "live": args.live,
            "equipment": args.equipment,
        }
        payload["clips"] = [_clip_json(clip, pred, recognised) for clip, pred, recognised in results]
        args.json.write_text(json.dumps(payload, indent=2, allow_nan=False) + "\n", encoding="utf-8")
        log.info("wrote %s", args.json)
    return 0


def evaluate_clips(
    clips: Sequence[LabelledClip],
    model: str,
    fps: float | None,
    cache: Path | None,
    exercise_mode: str = LABELLED,
    profile: str = "standard",
    verbose: bool = True,
    live: bool = False,
    equipment: str = "auto",
) -> list[tuple[LabelledClip, Prediction, Recognised]]:
    """(clip, prediction, (recognised exercise, confidence)) for each clip; a clip that fails is an error row.
    ``live``: the prediction is what the live coach showed when fed the clip's landmarks frame by frame."""
    from formcheck.analysis import AUTO, analyze_sequence  # noqa: PLC0415
    from formcheck.evaluation import cached_landmarks  # noqa: PLC0415
    from formcheck.exercises import EXERCISES  # noqa: PLC0415
    from formcheck.smoothing import smooth_offline  # noqa: PLC0415
    from formcheck.types import FormcheckError  # noqa: PLC0415

    extract = _extractor(model, fps)
    results: list[tuple[LabelledClip, Prediction, Recognised]] = []
    for number, clip in enumerate(clips, start=1):
        try:
            raw = cached_landmarks(clip.path, model, fps, cache, extract)
        except (FormcheckError, OSError) as error:
            pred = Prediction(None, frozenset(), 0, 0, frozenset(), 0, error=str(error))
            results.append((clip, pred, (None, None)))
            log.warning("%s: %s", clip.name or clip.path.name, error)
            continue
        if live:
            pred = _live_prediction(raw, clip.exercise, profile, equipment)
            results.append((clip, pred, (None, None)))
            if verbose:
                sys.stdout.write(f"[{number}/{len(clips)}] {_clip_line(clip, pred, (None, None))}\n")
            continue
        sequence = smooth_offline(raw)
        auto = analyze_sequence(sequence, AUTO, profile, None, model, equipment)
        recognised = (auto.exercise or auto.unsupported, auto.recognition_confidence)  # e.g. "pushup 100%"
        if exercise_mode == AUTO or clip.exercise not in EXERCISES:
            report = auto
        else:
            report = analyze_sequence(sequence, clip.exercise, profile, None, model, equipment)
        pred = Prediction.from_report(report, auto)
        results.append((clip, pred, recognised))
        if verbose:
            sys.stdout.write(f"[{number}/{len(clips)}] {_clip_line(clip, pred, recognised)}\n")
            sys.stdout.flush()
    return results


def _leave_one_source_out(
    results: Sequence[tuple[LabelledClip, Prediction, Recognised]],
    args: argparse.Namespace,
    cache: Path | None,
    codes: dict[str, list[str]],
) -> dict[str, Any]:
    """Print and return the held-out figures: each source judged with thresholds chosen on the other sources."""
    from formcheck.calibration import Labelled, leave_one_source_out, sweep  # noqa: PLC0415
    from formcheck.evaluation import cached_landmarks, score, score_by_source  # noqa: PLC0415
    from formcheck.smoothing import smooth_offline  # noqa: PLC0415

    swept = []
    for clip, pred, _ in results:
        if pred.error is None and clip.labelled and pred.exercise is not None:
            raw = cached_landmarks(clip.path, args.model, args.fps, cache, _extractor(args.model, args.fps))
            sweep_result = sweep(smooth_offline(raw), pred.exercise, args.equipment, args.profile)
            swept.append((clip, pred, Labelled(clip.source, pred.exercise, clip.faults), sweep_result))
    held_out = leave_one_source_out([(labelled, result) for _, _, labelled, result in swept], args.profile)
    said = {source.source: iter(source.faults) for source in held_out}  # each source's clips, in the order given
    pairs = []
    for clip, pred, _, _ in swept:
        faults = next(said[clip.source])
        pairs.append((clip, replace(pred, faults=faults, cues=len(faults))))
    scores = score(pairs, (), {c.exercise: codes[c.exercise] for c, _ in pairs if c.exercise in codes})
    by_source = score_by_source(pairs)
    sys.stdout.write("\n== leave one source out: thresholds chosen on the other sources ==")
    sys.stdout.write(format_scores(scores) + "\n" + format_sources(by_source) + "\n")
    for source in held_out:
        moved = ", ".join(f"{ex}.{code} {value:g}" for (ex, code), value in sorted(source.thresholds.items()))
        sys.stdout.write(f"thresholds for {source.source}: {moved or 'as shipped'}\n")
    return {
        **scores.to_json_dict(),
        "by_source": [row.to_json_dict() for row in by_source],
        "thresholds": {
            source.source: {f"{ex}.{code}": value for (ex, code), value in sorted(source.thresholds.items())}
            for source in held_out
        },
    }


def _extractor(model: str, fps: float | None) -> Callable[[Path], PoseSequence]:
    from formcheck.pose.extract import ExtractOptions, extract_poses  # noqa: PLC0415

    # Always extract the back outline so a cached clip can be judged as any exercise.
    options = ExtractOptions(model=model, target_fps=fps, back_outline=True)
    return lambda path: extract_poses(path, options)


def _live_prediction(raw: PoseSequence, exercise: str, profile: str, equipment: str) -> Prediction:
    from formcheck.exercises import EXERCISES  # noqa: PLC0415
    from formcheck.live import LiveSettings, replay  # noqa: PLC0415

    if exercise not in EXERCISES:
        return Prediction(None, frozenset(), 0, 0, frozenset(), 0, error=f"no live coach for {exercise!r}")
    shown = replay(raw, LiveSettings(exercise, profile, equipment=equipment))
    frames_with_pose = int(raw.has_pose().sum())
    # Live coaching does not report unjudged checks (it gives set-up guidance instead): checks=0 keeps them unscored.
    # Nor hold spans (it shows the running hold time): holds=None keeps them unscored.
    return Prediction(
        exercise, shown.cued, shown.cue_lines, shown.reps, frozenset(), 0, None, frames_with_pose, holds=None
    )


def _scores_by_view(pairs: Sequence[tuple[LabelledClip, Prediction]], codes: dict[str, list[str]]) -> dict[str, Scores]:
    """Rendered clips: scores for near-side views (camera yaw ≤ 20°) and for the rest, which must stay silent or
    right (issue 4 point 8)."""
    from formcheck.evaluation import SIDE_MAX_YAW_DEG, score  # noqa: PLC0415
    from formcheck.exercises import EXERCISES  # noqa: PLC0415

    with_yaw = [(clip, pred) for clip, pred in pairs if clip.camera_yaw_deg is not None]
    if not with_yaw:
        return {}
    groups = {
        f"side views (yaw <= {SIDE_MAX_YAW_DEG:g} deg)": [
            p for p in with_yaw if p[0].camera_yaw_deg is not None and p[0].camera_yaw_deg <= SIDE_MAX_YAW_DEG
        ],
        f"other views (yaw > {SIDE_MAX_YAW_DEG:g} deg)": [
            p for p in with_yaw if p[0].camera_yaw_deg is not None and p[0].camera_yaw_deg > SIDE_MAX_YAW_DEG
        ],
    }
    return {name: score(group, EXERCISES, codes) for name, group in groups.items() if group}


def _label(clip: LabelledClip) -> str:
    if not clip.labelled:
        return "unlabeled"
    if clip.faults is None:
        return "incorrect"
    return ";".join(sorted(clip.faults)) or "correct"


def _clip_line(clip: LabelledClip, pred: Prediction, recognised: Recognised) -> str:
    name, confidence = recognised
    rec = f"{name or 'unsure'} {confidence:.0%}" if confidence is not None else (name or "unsure")
    reps = f"{pred.reps}" + (f"/{clip.reps}" if clip.reps is not None else "")
    said = ",".join(sorted(pred.faults)) or "-"
    unjudged = ",".join(sorted(pred.unjudged_checks)) or "-"
    return (
        f"{clip.name or clip.path.name}: {clip.exercise} [{_label(clip)}] view={clip.view or '?'} | "
        f"recognised {rec} | judged {pred.exercise or '-'} reps {reps} | faults {said} | unjudged {unjudged}"
    )


def _clip_json(clip: LabelledClip, pred: Prediction, recognised: Recognised) -> dict[str, object]:
    return {
        "file": clip.name or str(clip.path),
        "exercise": clip.exercise,
        "label": _label(clip),
        "view": clip.view,
        "camera_yaw_deg": clip.camera_yaw_deg,
        "reps_true": clip.reps,
        "holds_true": None if clip.holds is None else [_hold_json(hold) for hold in clip.holds],
        "holds": None if pred.holds is None else [_hold_json(hold) for hold in pred.holds],
        "recognised": recognised[0],
        "recognition_confidence": None if recognised[1] is None else round(recognised[1], 4),
        "judged_as": pred.exercise,
        "reps": pred.reps,
        "faults": sorted(pred.faults),
        "cues": pred.cues,
        "unjudged": sorted(pred.unjudged_checks),
        "judged": None if pred.judged_checks is None else sorted(pred.judged_checks),
        "frames_with_pose": pred.frames_with_pose,
        "error": pred.error,
        "unsupported": pred.unsupported,
    }


def _hold_json(hold: TimedHold) -> dict[str, object]:
    return {"start_s": round(hold.start_s, 3), "end_s": round(hold.end_s, 3), "side": hold.side}


def _cell(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.2f}"


def format_sources(rows: Sequence[SourceScore]) -> str:
    """One line per source: the false-cue rate on its clean clips and the share of its faulty clips flagged."""

    def share(hits: int, total: int) -> str:
        return f"{hits}/{total}" + (f" ({hits / total:.0%})" if total else "")

    lines = ["", f"{'source':<44}{'clips':>6}  {'clean clips with cues':<24}{'faulty clips flagged':<22}"]
    for row in rows:
        lines.append(
            f"{row.source[:43]:<44}{row.clips:>6}  {share(row.clean_clips_with_cues, row.clean_clips):<24}"
            f"{share(row.faulty_clips_flagged, row.faulty_clips):<22}"
        )
    return "\n".join(lines)


def format_scores(scores: Scores) -> str:

    def rate(r: Rate) -> str:
        return f"{r.hits}/{r.total}" + (f" ({r.rate:.0%})" if r.rate is not None else "")

    lines = [
        "",
        f"{'exercise':<14}{'fault':<24}{'prec':>6}{'recall':>8}{'F1':>6}{'support':>9}{'tp/fp/fn':>11}",
    ]
    for row in (*scores.per_fault, *scores.any_fault, scores.pooled):
        lines.append(
            f"{row.exercise:<14}{row.fault:<24}{_cell(row.precision):>6}{_cell(row.recall):>8}{_cell(row.f1):>6}"
            f"{row.support:>9}{f'{row.tp}/{row.fp}/{row.fn}':>11}"
        )
    lines += [
        "",
        f"rep count exact:        {rate(scores.rep_count_exact)}"
        + "".join(f"  {name} {r.hits}/{r.total}" for name, r in sorted(scores.by_exercise_reps.items())),
        f"holds on time ({HOLD_TOLERANCE_S:g} s):  {rate(scores.holds_on_time)}"
        + "".join(f"  {name} {r.hits}/{r.total}" for name, r in sorted(scores.by_exercise_holds.items())),
        f"clean clips with cues:  {scores.clean_clips_with_cues}/{scores.clean_clips} ({scores.clean_clip_cues} cues)"
        + "".join(f"  {name} {cued}/{clips}" for name, (clips, cued) in sorted(scores.by_exercise_clean.items())),
        f"unjudged checks:        {rate(scores.unjudged_checks)}"
        + "".join(f"  {name} {rate(r)}" for name, r in sorted(scores.by_exercise_unjudged.items())),
        f"side-view checks unjudged on side/oblique clips: {rate(scores.side_unjudged_checks)}"
        + "".join(f"  {name} {rate(r)}" for name, r in sorted(scores.by_exercise_side_unjudged.items())),
        f"clips judged on nothing:{rate(scores.unjudged_clips):>1}",
        f"recognition accuracy:   {rate(scores.recognition)}; unsure {rate(scores.recognition_unsure)}",
        f"unsupported exercises refused: {rate(scores.unsupported_refused)}; "
        f"named as their own {rate(scores.unsupported_named)}",
    ]
    if scores.errors:
        lines.append(f"clips that failed:      {scores.errors}")
    return "\n".join(lines)

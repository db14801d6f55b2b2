"""The figure tables of docs/evaluation.md, generated from the JSON that ``formcheck evaluate`` writes.

    .venv/bin/python bench/docs_figures.py                    # run every evaluation, print the tables
    .venv/bin/python bench/docs_figures.py --write            # ... and rewrite them in docs/evaluation.md
    .venv/bin/python bench/docs_figures.py --json-dir DIR     # read DIR/<run>.json instead of running
    .venv/bin/python bench/docs_figures.py --keep-json DIR    # keep each run's JSON in DIR

Each table sits between ``<!-- figures:NAME:start -->`` and ``<!-- figures:NAME:end -->``; only the text between a
pair of markers is replaced, so the prose around the tables is never touched and the tables cannot drift from the
code. Each table opens with the exact command that produces it. A run whose inputs are absent (``../shared`` is not
on every machine) is skipped and its tables are left as they are. Landmarks are cached by ``formcheck evaluate``
(~/.cache/formcheck/landmarks), so once cached the whole script takes a few minutes.
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DOC = REPO / "docs" / "evaluation.md"
OUT = "OUT"  # where a command's --json output goes, as written in the docs

log = logging.getLogger("docs_figures")

Json = Mapping[str, Any]


class MarkerError(Exception):
    """A table's markers are missing, repeated or out of order in the document."""


# ------------------------------------------------------------------------------------------------ marker rewriting


def markers(name: str) -> tuple[str, str]:
    return f"<!-- figures:{name}:start -->", f"<!-- figures:{name}:end -->"


def replace_block(text: str, name: str, body: str) -> str:
    """``text`` with everything between the markers of ``name`` replaced by ``body`` (one blank line each side)."""
    start, end = markers(name)
    if text.count(start) != 1 or text.count(end) != 1:
        raise MarkerError(f"{name}: expected one '{start}' and one '{end}' in the document")
    head, _, rest = text.partition(start)
    _, _, tail = rest.partition(end)
    if end not in rest:
        raise MarkerError(f"{name}: '{end}' comes before '{start}'")
    return f"{head}{start}\n\n{body.strip()}\n\n{end}{tail}"


# ------------------------------------------------------------------------------------------------ cell formatting


def number(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def rate(entry: Json | None) -> str:
    """'hits/total (pct %)' from a {hits, total} entry; '–' when there is nothing to count."""
    if not entry or not entry.get("total"):
        return "–"
    percent = 100.0 * entry["hits"] / entry["total"]
    return f"{entry['hits']}/{entry['total']} ({percent:.{1 if 0 < percent < 10 else 0}f} %)"


def fraction(hits: int, total: int) -> str:
    return "–" if total == 0 else f"{hits}/{total}"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def command_line(args: Sequence[str]) -> str:
    return "`formcheck " + " ".join(args) + "`"


def fault_rows(scores: Sequence[Json]) -> list[list[str]]:
    """Rows of the faults a clip was labelled with or cued for (codes nobody showed and nothing cued say nothing)."""
    rows = []
    for row in scores:
        if row["support"] or row["fp"]:
            rows.append(
                [
                    row["exercise"].replace("_", " ") if row["exercise"] != "all" else "**all**",
                    row["fault"] if row["fault"] not in ("any_fault", "all_faults") else f"*{row['fault']}*",
                    str(row["support"]),
                    str(row["tp"]),
                    str(row["fn"]),
                    str(row["fp"]),
                    f"{number(row['precision'])} / {number(row['recall'])} / {number(row['f1'])}",
                ]
            )
    return rows


FAULT_HEADER = ("exercise", "fault", "clips with it", "found", "missed", "wrong cues", "P / R / F1")


def fault_table(scores: Json) -> str:
    rows = [*scores["per_fault"], *scores["any_fault"], scores["pooled_faults"]]
    return table(FAULT_HEADER, fault_rows(rows))


def all_flagged(any_fault: Mapping[str, Json]) -> str:
    """Faulty clips with any cue, over every exercise's faulty clips."""
    rows = any_fault.values()
    return fraction(sum(row["tp"] for row in rows), sum(row["support"] for row in rows))


def exercise_names(*groups: Mapping[str, Any]) -> list[str]:
    return sorted({name for group in groups for name in group})


# ------------------------------------------------------------------------------------------------ the tables


def real_held_out(report: Json) -> str:
    held = report["leave_one_source_out"]
    clean = held["clean_clip_false_cues"]["by_exercise"]
    flagged = {row["exercise"]: row for row in held["any_fault"]}
    per_exercise = [
        [
            name.replace("_", " "),
            fraction(clean.get(name, {}).get("clips_with_cues", 0), clean.get(name, {}).get("clips", 0)),
            fraction(flagged[name]["tp"], flagged[name]["support"]) if name in flagged else "–",
        ]
        for name in exercise_names(clean, flagged)
    ]
    whole = held["clean_clip_false_cues"]
    per_exercise.append(["**all**", fraction(whole["clips_with_cues"], whole["clips"]), all_flagged(flagged)])
    return "\n\n".join(
        [
            table(("exercise", "clean clips with cues", "faulty clips flagged"), per_exercise),
            fault_table(held),
        ]
    )


def real_by_source(report: Json) -> str:
    held = report["leave_one_source_out"]
    moved: Mapping[str, Mapping[str, float]] = held.get("thresholds", {})
    rows = []
    for row in held["by_source"]:
        thresholds = moved.get(row["source"], {})
        rows.append(
            [
                row["source"],
                str(row["clips"]),
                fraction(row["clean_clips_with_cues"], row["clean_clips"]),
                "–" if row["false_cue_rate"] is None else f"{100.0 * row['false_cue_rate']:.0f} %",
                fraction(row["faulty_clips_flagged"], row["faulty_clips"]),
                ", ".join(f"{key} {value:g}" for key, value in sorted(thresholds.items())) or "as shipped",
            ]
        )
    header = ("source", "labelled clips", "clean clips with cues", "false-cue rate", "faulty clips flagged")
    return table((*header, "thresholds chosen without it"), rows)


def real_overall(report: Json) -> str:
    reps = report["rep_count_exact"]
    unjudged = report.get("unjudged_checks_by_exercise", {})
    side = report.get("side_view_unjudged_checks", {})
    side_by = side.get("by_exercise", {})
    rep_by = reps.get("by_exercise", {})
    rows = [
        [name.replace("_", " "), rate(rep_by.get(name)), rate(unjudged.get(name)), rate(side_by.get(name))]
        for name in exercise_names(rep_by, unjudged)
    ]
    rows.append(["**all**", rate(reps), rate(report["unjudged_checks"]), rate(side)])
    overall = [
        ["recognition of the five exercises (right / clips)", rate(report["recognition_accuracy"])],
        ["recognition unsure", rate(report["recognition_unsure"])],
        ["other exercises refused (push-ups, lunges)", rate(report.get("unsupported_refused"))],
        ["other exercises named as what they are", rate(report.get("unsupported_named"))],
        ["clips on which nothing could be judged", rate(report["unjudged_clips"])],
    ]
    header = (
        "exercise",
        "rep counts exact",
        "(clip, check) pairs with unjudged time",
        "side or oblique clips: (clip, side-view check) pairs with unjudged time",
    )
    return "\n\n".join([table(header, rows), table(("measure", "value"), overall)])


def samples(report: Json) -> str:
    views: Mapping[str, Json] = report.get("by_view") or {"all clips": report}
    names = list(views)
    measures: list[tuple[str, Callable[[Json], str]]] = [
        ("faults found / planted", lambda s: fraction(s["pooled_faults"]["tp"], s["pooled_faults"]["support"])),
        ("wrong cues (any clip)", lambda s: str(s["pooled_faults"]["fp"])),
        (
            "P / R / F1, all faults pooled",
            lambda s: " / ".join(number(s["pooled_faults"][key]) for key in ("precision", "recall", "f1")),
        ),
        ("clean clips with cues", lambda s: rate(clean_entry(s))),
        ("rep counts exact", lambda s: rate(s["rep_count_exact"])),
        ("(clip, check) pairs with unjudged time", lambda s: rate(s["unjudged_checks"])),
        ("recognition (`--exercise auto`)", lambda s: rate(s["recognition_accuracy"])),
    ]
    summary = table(("measure", *names), [[label, *(cell(views[name]) for name in names)] for label, cell in measures])
    side = views[names[0]]
    return "\n\n".join([summary, f"Per fault, {names[0]}:", fault_table(side)])


def clean_entry(scores: Json) -> Json:
    clean = scores["clean_clip_false_cues"]
    return {"hits": clean["clips_with_cues"], "total": clean["clips"]}


def plank_frames(report: Json) -> str:
    rows = [
        *((name, scores) for name, scores in report["per_file"].items()),
        ("**pooled, side view**", report["pooled"]),
        ("pooled, any view", report["pooled_any_view"]),
    ]
    codes = [fault["fault"] for fault in report["pooled"]["faults"]]

    def fault_cell(scores: Json, code: str) -> str:
        fault = next(row for row in scores["faults"] if row["fault"] == code)
        if not fault["support"]:
            return f"– ({fault['fp']} wrong)" if fault["fp"] else "–"
        return f"{number(fault['precision'])} / {number(fault['recall'])} / {number(fault['f1'])} ({fault['support']})"

    body = [
        [
            name,
            str(scores["frames"]),
            *(fault_cell(scores, code) for code in codes),
            rate(scores["correct_cued"]),
            rate(scores["other_view"]),
        ]
        for name, scores in rows
    ]
    header = ("file", "frames", *(f"{code} P / R / F1 (frames)" for code in codes), "correct frames cued")
    return table((*header, "not a side view"), body)


def live(report: Json) -> str:
    reps = report["rep_count_exact"].get("by_exercise", {})
    clean = report["clean_clip_false_cues"]["by_exercise"]
    flagged = {row["exercise"]: row for row in report["any_fault"]}
    rows = [
        [
            name.replace("_", " "),
            rate(reps.get(name)),
            fraction(clean.get(name, {}).get("clips_with_cues", 0), clean.get(name, {}).get("clips", 0)),
            fraction(flagged[name]["tp"], flagged[name]["support"]) if name in flagged else "–",
        ]
        for name in exercise_names(reps, clean)
    ]
    whole = report["clean_clip_false_cues"]
    clean_all = fraction(whole["clips_with_cues"], whole["clips"])
    rows.append(["**all**", rate(report["rep_count_exact"]), clean_all, all_flagged(flagged)])
    header = ("exercise", "rep counts exact", "clean clips with cues", "faulty clips flagged")
    return "\n\n".join([table(header, rows), fault_table(report)])


# ------------------------------------------------------------------------------------------------ runs


@dataclass(frozen=True)
class Run:
    """One ``formcheck`` command, the inputs it needs, and the tables drawn from its JSON."""

    name: str
    args: tuple[str, ...]  # as written in the docs; OUT is replaced by the JSON path
    needs: tuple[str, ...]  # paths (relative to the repository) that must exist to run it
    tables: tuple[tuple[str, Callable[[Json], str]], ...]
    quiet: tuple[str, ...] = ()  # flags that only shorten the command's own printout

    def command(self) -> str:
        return command_line(self.args)

    def missing(self) -> list[str]:
        return [path for path in self.needs if not (REPO / path).exists()]


# The real clips are judged at their own frame rate, as an upload is; the live replay reads them at 10 frames a
# second, about what the live coach gets from a webcam over the network while judging five times a second.
REAL = (
    "evaluate",
    "../shared/real_clips/manifest.csv",
    "--reps",
    "bench/real_clip_reps.csv",
    "--relabel",
    "bench/real_clip_labels.csv",
)
RUNS = (
    Run(
        "real",
        (*REAL, "--include-unlabeled", "--equipment", "barbell", "--json", OUT),
        ("../shared/real_clips/manifest.csv",),
        (("real-held-out", real_held_out), ("real-by-source", real_by_source), ("real-overall", real_overall)),
        ("--quiet",),
    ),
    Run(
        "samples",
        ("evaluate", "sample_videos", "--min-magnitude", "10", "--equipment", "barbell", "--json", OUT),
        ("sample_videos",),
        (("samples", samples),),
        ("--quiet",),
    ),
    Run(
        "plank-frames",
        ("evaluate-frames", "../shared/datasets/plank-landmarks", "--json", OUT),
        ("../shared/datasets/plank-landmarks",),
        (("plank-frames", plank_frames),),
    ),
    Run(
        "live",
        (*REAL, "--fps", "10", "--live", "--equipment", "barbell", "--json", OUT),
        ("../shared/real_clips/manifest.csv",),
        (("live", live),),
        ("--quiet",),
    ),
)


def run_json(run: Run, keep: Path | None) -> Json:
    """Run the command (from the repository, as the docs write it) and read its JSON."""
    with tempfile.TemporaryDirectory() as scratch:
        out = (keep or Path(scratch)) / f"{run.name}.json"
        args = [str(out) if arg == OUT else arg for arg in run.args]
        log.info("running %s", run.command())
        done = subprocess.run(
            [sys.executable, "-m", "formcheck", *args, *run.quiet], cwd=REPO, stdout=subprocess.DEVNULL, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"{run.command()} exited with {done.returncode}")
        loaded: Json = json.loads(out.read_text(encoding="utf-8"))
        return loaded


def render(run: Run, report: Json) -> dict[str, str]:
    """Marker name → the block between its markers: the command, then the table."""
    try:
        return {name: f"{run.command()}\n\n{make(report)}" for name, make in run.tables}
    except KeyError as error:
        raise RuntimeError(f"the JSON of {run.command()} has no {error} entry") from error


def collect(runs: Sequence[Run], json_dir: Path | None, keep: Path | None) -> dict[str, str]:
    blocks: dict[str, str] = {}
    for run in runs:
        if json_dir is not None:
            path = json_dir / f"{run.name}.json"
            if not path.is_file():
                log.warning("skipped %s: %s is absent; its tables are left as they are", run.name, path)
                continue
            blocks.update(render(run, json.loads(path.read_text(encoding="utf-8"))))
            continue
        missing = run.missing()
        if missing:
            log.warning("skipped %s: %s absent; its tables are left as they are", run.name, ", ".join(missing))
            continue
        blocks.update(render(run, run_json(run, keep)))
    return blocks


def rewrite(text: str, blocks: Mapping[str, str]) -> str:
    for name, body in blocks.items():
        text = replace_block(text, name, body)
    return text


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--write", action="store_true", help="rewrite the tables in the document (default: print)")
    parser.add_argument("--doc", type=Path, default=DEFAULT_DOC, help="document to rewrite (docs/evaluation.md)")
    parser.add_argument("--json-dir", type=Path, metavar="DIR", help="read DIR/<run>.json instead of running")
    parser.add_argument("--keep-json", type=Path, metavar="DIR", help="keep each run's JSON output in DIR")
    parser.add_argument("--only", nargs="+", choices=[run.name for run in RUNS], help="only these runs")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.keep_json is not None:
        args.keep_json.mkdir(parents=True, exist_ok=True)
    runs = [run for run in RUNS if args.only is None or run.name in args.only]
    try:
        blocks = collect(runs, args.json_dir, args.keep_json)
        if args.write:
            args.doc.write_text(rewrite(args.doc.read_text(encoding="utf-8"), blocks), encoding="utf-8")
            log.info("rewrote %d tables in %s", len(blocks), args.doc)
        else:
            sys.stdout.write("".join(f"<!-- figures:{name} -->\n{body}\n\n" for name, body in blocks.items()))
    except (MarkerError, RuntimeError, OSError, json.JSONDecodeError) as error:
        log.error("docs_figures: %s", error)  # one line, no traceback
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

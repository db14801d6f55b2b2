"""bench/docs_figures.py: tables are rewritten exactly between their markers, the prose is left alone, and a run whose
inputs are absent leaves its tables as they are."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import REPO


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_figures", REPO / "bench" / "docs_figures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["docs_figures"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


docs_figures = _load()

DOC = """# Evaluation

Prose before, kept as it is.

<!-- figures:plank-frames:start -->

old table

<!-- figures:plank-frames:end -->

Prose after: `<!-- figures:` mentioned in text.
"""


def _fault(code: str, support: int, tp: int, fp: int, fn: int) -> dict[str, Any]:
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / support if support else None
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else None
    return {
        "exercise": "plank",
        "fault": code,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "support": support,
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def _frames(sag: tuple[int, int, int, int], pike: tuple[int, int, int, int], cued: int, correct: int) -> dict[str, Any]:
    frames = sag[0] + pike[0] + correct
    return {
        "frames": frames,
        "faults": [_fault("hips_sag", *sag), _fault("hips_pike", *pike)],
        "correct_cued": {"hits": cued, "total": correct, "rate": cued / correct},
        "unjudged": {},
        "hidden": {"hits": 0, "total": frames, "rate": 0.0},
        "other_view": {"hits": 1, "total": frames, "rate": 1 / frames},
    }


PLANK_JSON = {
    "per_file": {"a.csv": _frames((4, 3, 0, 1), (0, 0, 1, 0), 1, 20)},
    "pooled": _frames((4, 3, 0, 1), (0, 0, 1, 0), 1, 20),
    "pooled_any_view": _frames((4, 3, 0, 1), (0, 0, 1, 0), 1, 20),
}

EXPECTED_TABLE = """\
`formcheck evaluate-frames ../shared/datasets/plank-landmarks --json OUT`

| file | frames | hips_sag P / R / F1 (frames) | hips_pike P / R / F1 (frames) | correct frames cued | not a side view |
| --- | --- | --- | --- | --- | --- |
| a.csv | 24 | 1.00 / 0.75 / 0.86 (4) | – (1 wrong) | 1/20 (5.0 %) | 1/24 (4.2 %) |
| **pooled, side view** | 24 | 1.00 / 0.75 / 0.86 (4) | – (1 wrong) | 1/20 (5.0 %) | 1/24 (4.2 %) |
| pooled, any view | 24 | 1.00 / 0.75 / 0.86 (4) | – (1 wrong) | 1/20 (5.0 %) | 1/24 (4.2 %) |"""


def _plank_run() -> Any:
    return next(run for run in docs_figures.RUNS if run.name == "plank-frames")


def test_a_table_is_rewritten_exactly_between_its_markers_and_nowhere_else() -> None:
    blocks = docs_figures.render(_plank_run(), PLANK_JSON)
    rewritten = docs_figures.rewrite(DOC, blocks)
    expected = DOC.replace("old table", EXPECTED_TABLE)
    assert rewritten == expected
    assert docs_figures.rewrite(rewritten, blocks) == expected  # a second run changes nothing


def test_the_script_rewrites_the_doc_from_saved_json_and_skips_runs_without_output(tmp_path: Path) -> None:
    doc = tmp_path / "evaluation.md"
    doc.write_text(DOC + "\n<!-- figures:live:start -->\n\nkept\n\n<!-- figures:live:end -->\n", encoding="utf-8")
    (tmp_path / "plank-frames.json").write_text(json.dumps(PLANK_JSON), encoding="utf-8")
    args = ["--write", "--doc", str(doc), "--json-dir", str(tmp_path), "--only", "plank-frames", "live"]
    assert docs_figures.main(args) == 0
    text = doc.read_text(encoding="utf-8")
    assert EXPECTED_TABLE in text
    assert "\n\nkept\n\n" in text  # no live.json: the live table is left as it is


@pytest.mark.parametrize(
    "text",
    [
        "no markers at all\n",
        "<!-- figures:plank-frames:end -->\n<!-- figures:plank-frames:start -->\n",
        "<!-- figures:plank-frames:start -->\n<!-- figures:plank-frames:start -->\n<!-- figures:plank-frames:end -->\n",
    ],
)
def test_missing_or_misplaced_markers_are_a_one_line_error(text: str, tmp_path: Path) -> None:
    with pytest.raises(docs_figures.MarkerError, match="plank-frames"):
        docs_figures.replace_block(text, "plank-frames", "table")
    doc = tmp_path / "evaluation.md"
    doc.write_text(text, encoding="utf-8")
    (tmp_path / "plank-frames.json").write_text(json.dumps(PLANK_JSON), encoding="utf-8")
    args = ["--write", "--doc", str(doc), "--json-dir", str(tmp_path), "--only", "plank-frames"]
    assert docs_figures.main(args) == 2
    assert doc.read_text(encoding="utf-8") == text


def test_every_marker_in_the_evaluation_doc_has_a_table_and_every_table_a_marker() -> None:
    text = (REPO / "docs" / "evaluation.md").read_text(encoding="utf-8")
    names = {name for run in docs_figures.RUNS for name, _ in run.tables}
    for name in names:
        start, end = docs_figures.markers(name)
        assert text.count(start) == 1 and text.count(end) == 1, name
    assert set(re.findall(r"<!-- figures:([a-z-]+):(?:start|end) -->", text)) == names


def test_a_run_whose_inputs_are_absent_is_skipped_without_running(caplog: pytest.LogCaptureFixture) -> None:
    absent = docs_figures.Run(
        "absent",
        ("evaluate", "../no-such-folder/manifest.csv", "--json", "OUT"),
        ("../no-such-folder/manifest.csv",),
        (("absent", lambda report: "never drawn"),),
    )
    with caplog.at_level("WARNING"):
        assert docs_figures.collect([absent], None, None) == {}
    assert "skipped absent: ../no-such-folder/manifest.csv absent; its tables are left as they are" in caplog.text

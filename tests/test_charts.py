"""The Review page's Altair charts, read from their Vega-Lite specification."""

from __future__ import annotations

from formcheck.app.charts import fault_timeline_chart
from formcheck.report import Fault, Rep, Report


def test_the_fault_timeline_gives_each_fault_its_own_row() -> None:
    """Two faults in one rep: each on its own row of a fixed height (a fixed chart height had let the page squeeze
    both rows into one band, the bars drawn over each other)."""
    report = Report(
        exercise="squat",
        exercise_source="given",
        recognition_confidence=None,
        view="side",
        model="full",
        duration_s=6.0,
        frames_total=60,
        frames_with_pose=60,
        reps=(Rep(1, 0.5, 2.0, None, ("forward_lean", "shallow_depth"), {}),),
        faults=(
            Fault("forward_lean", 1.0, 1.5, 1, "medium", "Keep your chest up.", 55.0, 48.0),
            Fault("shallow_depth", 1.2, 1.8, 1, "high", "Sit deeper.", 80.0, 90.0),
        ),
    )
    spec = fault_timeline_chart(report).to_dict()
    assert spec["height"] == {"step": 36}
    assert spec["layer"][1]["encoding"]["y"]["sort"] == ["Shallow depth", "Forward lean"]

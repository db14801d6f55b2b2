"""A printable PDF of one review: summary, what to work on, reps, plots, still frames and what could not be judged.

Pure: it takes a :class:`~formcheck.report.Report` and ready-made PNG/JPEG images and returns the PDF's bytes; nothing
is read from or written to disk except a font. Text uses DejaVu Sans (Debian's ``fonts-dejavu-core``, or the copy
that ships with matplotlib) so cues keep their dashes and quotes; without either, Helvetica with plain ASCII.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from formcheck.exercises import EXERCISES
from formcheck.report import Report
from formcheck.reporting.summary import (
    COACHING_NOTE,
    SEVERITY_WORDS,
    fault_groups,
    fault_title,
    hold_rows,
    rep_rows,
    summarize,
)
from formcheck.workspace import Correction, SetRecord

_FONT_FOLDERS = (Path("/usr/share/fonts/truetype/dejavu"),)
_FAMILY = "DejaVu"
_PAGE_WIDTH_MM = 180.0  # A4 minus 15 mm margins
_ASCII = str.maketrans(
    {
        "—": "-",
        "–": "-",
        "’": "'",
        "‘": "'",
        "“": '"',
        "”": '"',
        "…": "...",
        "°": " deg",
        "→": "->",
        "•": "-",
        "≤": "<=",
        "≥": ">=",
        "−": "-",
        "\u200b": "",
    }
)
# Where a file name may wrap in a narrow cell: after these characters (a zero-width space is a break opportunity for
# fpdf2). Without it a long name was cut between any two letters ("yfgd_good_01.m" / "p4").
_NAME_BREAKS_AFTER = "_-./"
_ZERO_WIDTH_SPACE = "\u200b"


@dataclass(frozen=True)
class ReportImage:
    """A PNG or JPEG image with its size in pixels (for the layout) and a caption printed under it."""

    caption: str
    data: bytes
    width_px: int
    height_px: int


def _font_folders() -> list[Path]:
    folders = list(_FONT_FOLDERS)
    try:
        import matplotlib  # noqa: PLC0415 - optional: only to find its bundled DejaVu fonts

        folders.append(Path(matplotlib.get_data_path()) / "fonts" / "ttf")
    except ImportError:
        pass
    return folders


class _Document(FPDF):
    def __init__(self) -> None:
        super().__init__(format="A4")
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, margin=15)
        self.has_unicode_font = False
        for folder in _font_folders():
            regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
            if regular.is_file() and bold.is_file():
                self.add_font(_FAMILY, "", str(regular))
                self.add_font(_FAMILY, "B", str(bold))
                self.has_unicode_font = True
                break
        self.body_font = _FAMILY if self.has_unicode_font else "Helvetica"

    @classmethod
    def titled(cls, kind: str, subject: str) -> _Document:
        """A document whose metadata title and first-page heading read "formcheck KIND — SUBJECT"."""
        document = cls()
        document.set_title(f"formcheck {kind}: {subject}")
        document.set_creator("formcheck")
        document.add_page()
        document.heading(f"formcheck {kind} — {subject}", size=17)
        return document

    def text_for_font(self, text: str) -> str:
        return text if self.has_unicode_font else text.translate(_ASCII).encode("latin-1", "replace").decode("latin-1")

    def heading(self, text: str, size: float = 13) -> None:
        self.ln(2)
        self.set_font(self.body_font, "B", size)
        self.multi_cell(0, size * 0.5, self.text_for_font(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def paragraph(self, text: str, size: float = 10, bold: bool = False) -> None:
        self.set_font(self.body_font, "B" if bold else "", size)
        self.multi_cell(0, size * 0.5, self.text_for_font(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def rows(self, rows: Sequence[dict[str, object]]) -> None:
        if not rows:
            return
        self.set_font(self.body_font, "", 9)
        header = [self.text_for_font(str(key)) for key in rows[0]]
        with self.table(line_height=5, text_align="LEFT") as table:
            table.row(header)
            for row in rows:
                table.row([self.text_for_font(str(value)) for value in row.values()])
        self.ln(2)

    def coaching_note(self) -> None:
        """The coaching-not-diagnosis note, on a pale yellow band."""
        self.ln(2)
        self.set_fill_color(255, 244, 214)
        self.set_font(self.body_font, "", 9)
        self.multi_cell(
            0, 5, self.text_for_font(COACHING_NOTE), fill=True, padding=2, new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )

    def picture(self, image: ReportImage, width_mm: float, max_height_mm: float = 110.0) -> None:
        if image.width_px > 0 and image.height_px > 0:
            width_mm = min(width_mm, max_height_mm * image.width_px / image.height_px)
        self.image(io.BytesIO(image.data), w=width_mm)
        self.paragraph(image.caption, size=8)
        self.ln(2)


def build_pdf(
    report: Report,
    plots: Sequence[ReportImage] = (),
    stills: Sequence[ReportImage] = (),
    video_name: str = "",
    created: datetime | None = None,
) -> bytes:
    """The review as PDF bytes (they start with ``%PDF``)."""
    summary = summarize(report)
    document = _Document.titled("review", summary.title)
    when = (created or datetime.now()).strftime("%d %B %Y, %H:%M")
    details = [
        f"Video: {breakable_name(video_name)}" if video_name else "",
        f"Reviewed {when}",
        f"strictness: {report.profile}",
        f"model: {report.model}",
        f"{report.view} view",
    ]
    document.paragraph(" · ".join(part for part in details if part), size=9)
    if summary.recognised and summary.confidence is not None and report.exercise is not None:
        document.paragraph(f"Exercise recognised automatically ({summary.confidence:.0%} sure).", size=9)
    document.coaching_note()

    document.heading("Summary")
    document.paragraph(summary.headline)
    if summary.good_form_share is not None:
        document.paragraph(f"Good form: {summary.good_form_share:.0%}")

    _faults_section(document, report)

    if report.reps:
        document.heading("Reps")
        document.rows(rep_rows(report))
    if report.holds:
        document.heading("Holds")
        document.rows(hold_rows(report))

    if plots:
        document.heading("Over time")
        for plot in plots:
            document.picture(plot, _PAGE_WIDTH_MM)
    if stills:
        document.heading("The worst moment of each fault")
        for still in stills:
            document.picture(still, 110.0)

    _unjudged_section(document, report)
    _not_checked_section(document, report)
    return bytes(document.output())


def _faults_section(document: _Document, report: Report) -> None:
    groups = fault_groups(report)
    if not groups:
        return
    document.heading("What to work on")
    for group in groups:
        reps = f" (rep {', '.join(map(str, group.reps))})" if group.reps else ""
        document.paragraph(f"{group.title}{reps} — {SEVERITY_WORDS.get(group.severity, group.severity)}", bold=True)
        document.paragraph(f"What to do: {group.cue}")
        if group.why:
            document.paragraph(f"Why it matters for your back: {group.why}")
        document.ln(1)


def _unjudged_section(document: _Document, report: Report) -> None:
    if not report.unjudged:
        return
    document.heading("What could not be judged from this camera position")
    for entry in report.unjudged:
        fix = entry.fix[:1].upper() + entry.fix[1:]
        document.paragraph(f"{fault_title(entry.check)}: {entry.reason} ({entry.seconds:.1f} s).", bold=True)
        document.paragraph(f"Set-up fix: {fix}.")
        document.ln(1)


def _not_checked_section(document: _Document, report: Report) -> None:
    if not report.not_checked:
        return
    document.heading("Not checked in this set")
    for entry in report.not_checked:
        document.paragraph(f"{fault_title(entry.check)}: {entry.reason}.")


def breakable_name(name: str) -> str:
    """``name`` with a break opportunity after each ``_ - . /``, so a cell wraps it there and nowhere else."""
    for character in _NAME_BREAKS_AFTER:
        name = name.replace(character, character + _ZERO_WIDTH_SPACE)
    return name.rstrip(_ZERO_WIDTH_SPACE)


@dataclass(frozen=True)
class ClientSet:
    """One row of a client's history, as the progress report prints it."""

    recorded: str
    video: str
    exercise: str
    reps: int
    clean_share: float | None
    faults: Sequence[str]
    corrections: Sequence[str]  # "forward_lean: not a fault — camera tilted"
    cues: Mapping[str, str] = field(default_factory=dict)  # fault code → what to do about it


@dataclass(frozen=True)
class UnjudgedSet:
    """A set where nothing could be judged, and why: listed apart, never as a set without faults."""

    recorded: str
    video: str
    reason: str


def build_client_pdf(
    client: str,
    sets: Sequence[ClientSet],
    progress_plot: ReportImage | None = None,
    created: datetime | None = None,
    unjudged: Sequence[UnjudgedSet] = (),
) -> bytes:
    """A client's progress report (history, most frequent faults, clean-rep trend) as PDF bytes."""
    document = _Document.titled("progress", client)
    when = (created or datetime.now()).strftime("%d %B %Y")
    span = f"{sets[0].recorded} to {sets[-1].recorded}" if sets else "no sets yet"
    not_judged = f", {len(unjudged)} could not be judged" if unjudged else ""
    document.paragraph(f"{len(sets)} reviewed set(s){not_judged}, {span} · written {when}", size=9)
    document.coaching_note()
    counts: dict[str, int] = {}
    for item in sets:
        for code in set(item.faults):
            counts[code] = counts.get(code, 0) + 1
    if counts:
        document.heading("Most frequent faults")
        ranked = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
        cues = {code: cue for item in sets for code, cue in item.cues.items()}
        document.rows(
            [{"Fault": fault_title(code), "Sets with it": n, "What to do": cues.get(code, "")} for code, n in ranked]
        )
    if progress_plot is not None:
        document.heading("Clean reps over time")
        document.picture(progress_plot, _PAGE_WIDTH_MM)
    document.heading("History")
    document.rows(
        [
            {
                "Recorded": item.recorded,
                "Video": breakable_name(item.video),
                "Exercise": item.exercise,
                "Reps": item.reps,
                "Clean reps": "-" if item.clean_share is None else f"{item.clean_share:.0%}",
                "Faults": ", ".join(sorted({fault_title(code) for code in item.faults})) or "none",
            }
            for item in sets
        ]
    )
    if unjudged:
        document.heading("Sets that could not be judged")
        for entry in unjudged:
            document.paragraph(f"{entry.recorded} {entry.video}: {entry.reason}")
    corrected = [(item, line) for item in sets for line in item.corrections]
    if corrected:
        document.heading("Calls corrected by the trainer")
        for item, line in corrected:
            document.paragraph(f"{item.recorded} {item.video}: {line}")
    return bytes(document.output())


def client_progress_pdf(client: str, records: Sequence[SetRecord]) -> bytes:
    """:func:`build_client_pdf` for a client's sets from the workspace (failed sets are left out; sets that could not
    be judged are listed with their reason, apart from the history and the trend)."""
    from formcheck.report import exercise_title  # noqa: PLC0415
    from formcheck.reporting.figures import progress_png  # noqa: PLC0415 - matplotlib loads only for a report

    reviewed = [record for record in records if record.status == "done"]
    rows = [
        ClientSet(
            recorded=record.recorded_at[:10],
            video=record.video_name,
            exercise=exercise_title(record.exercise),
            reps=record.reps,
            clean_share=record.clean_rep_share(),
            faults=record.faults(),
            cues=_fault_cues(record),
            corrections=[_correction_line(c) for c in record.corrections],
        )
        for record in reviewed
    ]
    points = [
        (record.recorded_at, exercise_title(record.exercise), share)
        for record in reviewed
        if (share := record.clean_rep_share()) is not None
    ]
    plot = None
    if len(points) >= 2:
        png = progress_png(points)
        plot = ReportImage("Share of reps without a fault, per reviewed set (after corrections).", png, 975, 338)
    unjudged = [
        UnjudgedSet(record.recorded_at[:10], record.video_name, record.error or "nothing could be judged")
        for record in records
        if record.status == "unjudged"
    ]
    return build_client_pdf(client, rows, plot, unjudged=unjudged)


def _fault_cues(record: SetRecord) -> dict[str, str]:
    """The cue of each fault in the set: as its report gave it, else (a fault the trainer says was missed) the
    exercise's cue for that check."""
    faults = (record.report or {}).get("faults", [])
    cues = {str(fault["code"]): str(fault["cue"]) for fault in faults if "cue" in fault}
    exercise = EXERCISES.get(record.exercise or "")
    for code in record.faults():
        if code not in cues and exercise is not None and any(check.code == code for check in exercise.checks):
            cues[code] = exercise.check(code).cue
    return cues


def _correction_line(correction: Correction) -> str:
    verdict = "not a fault" if correction.verdict == "not_a_fault" else "missed by formcheck"
    rep = f" (rep {correction.rep})" if correction.rep is not None else ""
    note = f" — {correction.note}" if correction.note else ""
    return f"{fault_title(correction.fault_code)}{rep}: {verdict}{note}"

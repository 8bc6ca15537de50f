"""Status-report files (CSV, XLSX, DOCX, PDF) built from ``tracker.domain.report.StatusReport``.

The web layer calls ``write`` and ``filename`` only. Nothing here imports Flask or the
database: a report in, bytes out.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import BinaryIO

from tracker.domain.report import StatusReport
from tracker.exports import wording

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def write(report: StatusReport, fmt: str, out: BinaryIO,
          progress: Callable[[float], None] | None = None) -> None:
    """Write ``report`` as ``fmt`` (a key of ``FORMATS``) to the binary stream ``out``.

    ``out`` stays open. ``progress(fraction)`` (0 to 1), if given, hears how far a Word or
    PDF document has got (a background job shows it). Raises ``ValueError`` for an unknown format. The writers are
    imported here, on demand, so a CSV download never loads matplotlib or WeasyPrint.
    """
    if fmt == "csv":
        from tracker.exports import csv_export as module
    elif fmt == "xlsx":
        from tracker.exports import xlsx as module
    elif fmt == "docx":
        from tracker.exports import docx_report as module
    elif fmt == "pdf":
        from tracker.exports import pdf_report as module
    else:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if fmt in ("docx", "pdf"):
        module.write(report, out, progress=progress)
    else:
        module.write(report, out)


def filename(report: StatusReport, fmt: str) -> str:
    """An ASCII download name: ``bao-cao-TN-BG-2023-2025-12-14.xlsx`` (agreement code, as-of date)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    code = wording.ascii_slug(report.agreement_code) or "thoa-thuan"
    return f"bao-cao-{code}-{report.as_of:%Y-%m-%d}.{fmt}"

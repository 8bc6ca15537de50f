"""The annex table as CSV: UTF-8 with a BOM (so Excel reads Vietnamese), comma-separated, CRLF.

Same columns as the XLSX annex sheet. Dates read dd/mm/yyyy; formula-like text gets a
leading ``'`` (OWASP) so no spreadsheet runs it.
"""
from __future__ import annotations

import csv
import io
from datetime import date
from typing import BinaryIO

from tracker.domain.report import StatusReport
from tracker.exports import safe, wording


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return wording.short_date(value)
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, int):
        return str(value)
    return safe.csv_text(value)


def write(report: StatusReport, out: BinaryIO) -> None:
    """Write the header and one line per ``AnnexRow`` to the binary stream ``out``."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    try:
        writer = csv.writer(text, dialect="excel")
        writer.writerow(wording.SHEET_HEADER)
        for row in report.rows:
            writer.writerow([_text(value) for value in wording.sheet_values(row)])
        text.flush()
    finally:
        text.detach()  # hand ``out`` back open: the caller owns it

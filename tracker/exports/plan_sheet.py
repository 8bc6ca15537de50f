"""The plan template as a file: write it (XLSX or CSV) and read an uploaded one back.

Row 1 holds the headings ("Mã nhiệm vụ (code)"): the key in brackets is what the reader
goes by, so a heading reworded in Excel still reads. Rows are numbered as Excel shows
them (the first data row is 2). No Flask, no database.
"""
from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime
from typing import BinaryIO

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from tracker.domain.plan_sheet import column_key, heading
from tracker.exports import safe

MAX_ROWS = 5000
SHEET_TITLE = "Kế hoạch"
_WIDTHS = {"field": 10, "code": 12, "title": 60, "description": 40, "deliverable": 30, "start": 13, "due": 13}


class SheetError(ValueError):
    """The file cannot be read as the template (not XLSX/CSV, empty, too many rows)."""


def write_xlsx(cols: list[tuple[str, str]], rows: list[dict], out: BinaryIO) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET_TITLE)
    for i, (key, _) in enumerate(cols, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = _WIDTHS.get(key, 28)
    sheet.freeze_panes = "C2"
    bold = Font(bold=True)
    head = []
    for key, label in cols:
        cell = WriteOnlyCell(sheet, value=heading(key, label))
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        head.append(cell)
    sheet.append(head)
    for row in rows:
        cells = []
        for key, _ in cols:
            value = row.get(key)
            cell = WriteOnlyCell(sheet)
            if isinstance(value, date):
                cell.value = value
                cell.number_format = "DD/MM/YYYY"
            elif isinstance(value, (int, float)):
                cell.value = value
            elif value is not None:
                cell.value = safe.xlsx_text(value)
                cell.data_type = "s"  # never a formula, whatever the text starts with
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cells.append(cell)
        sheet.append(cells)
    book.save(out)


def _csv_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:g}"
    return safe.csv_text(value)


def write_csv(cols: list[tuple[str, str]], rows: list[dict], out: BinaryIO) -> None:
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    try:
        writer = csv.writer(text, dialect="excel")
        writer.writerow([heading(key, label) for key, label in cols])
        for row in rows:
            writer.writerow([_csv_value(row.get(key)) for key, _ in cols])
        text.flush()
    finally:
        text.detach()


def _rows(values) -> tuple[list[str], list[tuple[int, dict]]]:
    values = iter(values)
    header = next(values, None)
    if not header or not any(v not in (None, "") for v in header):
        raise SheetError("empty")
    keys = [column_key(v) if v not in (None, "") else "" for v in header]
    rows = []
    for number, raw in enumerate(values, start=2):
        if number > MAX_ROWS + 1:
            raise SheetError("too_many_rows")
        cells = {k: v for k, v in zip(keys, raw) if k}
        rows.append((number, cells))
    return keys, rows


def _xlsx_values(data: bytes):
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise SheetError("unreadable") from exc
    sheet = book[SHEET_TITLE] if SHEET_TITLE in book.sheetnames else book.worksheets[0]
    for raw in sheet.iter_rows(values_only=True):
        yield [v.date() if isinstance(v, datetime) else v for v in raw]
    book.close()


def _csv_values(data: bytes):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SheetError("not_utf8") from exc
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def read(filename: str, data: bytes) -> tuple[list[str], list[tuple[int, dict]]]:
    """The heading keys and the ``(row_number, {key: cell})`` of an uploaded XLSX or CSV."""
    name = (filename or "").lower()
    if name.endswith(".csv"):
        return _rows(_csv_values(data))
    if name.endswith(".xlsx") or data[:2] == b"PK":
        return _rows(_xlsx_values(data))
    raise SheetError("unknown_type")


__all__ = ["MAX_ROWS", "SheetError", "read", "write_csv", "write_xlsx"]

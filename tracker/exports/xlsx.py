"""The report as an Excel workbook: summary, annex table, approved updates, change log.

Written with openpyxl in write-only (streaming) mode so a province-wide scope fits in
memory. User text is always a string cell, never a formula (``safe.xlsx_text``).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from copy import copy
from datetime import date, datetime
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from tracker.domain.report import CATEGORY_COLOURS, StatusReport
from tracker.domain.status import CATEGORY_ORDER
from tracker.exports import safe, wording

SHEET_SUMMARY = "Tổng hợp"
SHEET_ANNEX = "Phụ lục"
SHEET_UPDATES = "Cập nhật tiến độ"
SHEET_CHANGES = "Nhật ký thay đổi"
SHEET_DOCUMENTS = "Văn bản triển khai"

UPDATE_HEADER = ("Mã nhiệm vụ", "Nhiệm vụ", "Tỉnh", "Cơ quan", "Vai trò", "Tiến độ", "Tỷ lệ (%)",
                 "Số liệu đến ngày", "Ngày duyệt", "Kết quả", "Khó khăn, vướng mắc", "Đề xuất, kiến nghị",
                 "Nhiệm vụ thời gian tới")
CHANGE_HEADER = ("Thời điểm", "Loại thay đổi", "Mã nhiệm vụ", "Nội dung", "Lý do", "Người thực hiện")
DOCUMENT_HEADER = ("Loại văn bản", "Số, ký hiệu", "Ngày ban hành", "Cơ quan ban hành", "Trích yếu",
                   "Nhiệm vụ được triển khai")

DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
MIN_WIDTH, MAX_WIDTH = 8, 60

_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FONT = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="D9D9D9")
_HEAD_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
_BODY_ALIGN = Alignment(vertical="top", wrap_text=True)
_TITLE_FONT = Font(bold=True, size=13)


def _tint(hex_colour: str, amount: float = 0.35) -> str:
    """``hex_colour`` mixed with white, light enough for black text on it."""
    rgb = [int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]
    return "".join(f"{round(255 - (255 - c) * amount):02X}" for c in rgb)


# Status cells keep the word and get a light tint of the status colour: never colour alone.
_CATEGORY_FILLS = {wording.category_label(c): PatternFill("solid", fgColor=_tint(CATEGORY_COLOURS[c]))
                   for c in CATEGORY_ORDER}


class _Styles:
    """Style arrays by combination, per workbook: openpyxl hashes every Font/Border on each
    assignment, which would cost most of the time on 30,000 rows, so each combination is
    set once on a cell and then copied."""

    def __init__(self) -> None:
        self._arrays: dict[tuple, StyleArray] = {}

    def apply(self, cell: WriteOnlyCell, head: bool, number_format: str | None, fill: PatternFill | None,
              bold: bool, quote: bool) -> None:
        key = (head, number_format, id(fill) if fill is not None else None, bold, quote)
        known = self._arrays.get(key)
        if known is not None:
            cell._style = copy(known)
            return
        if head:
            cell.font, cell.fill, cell.alignment, cell.border = _HEAD_FONT, _HEAD_FILL, _HEAD_ALIGN, _BORDER
        else:
            cell.alignment, cell.border = _BODY_ALIGN, _BORDER
            if bold:
                cell.font = _HEAD_FONT
        if fill is not None:
            cell.fill = fill
        if number_format:
            cell.number_format = number_format
        if quote:
            cell.quotePrefix = True  # Excel keeps it text even after the user edits the cell
        self._arrays[key] = copy(cell._style)


def _cell(ws: WriteOnlyWorksheet, styles: _Styles, value: object, *, head: bool = False,
          number_format: str | None = None, fill: PatternFill | None = None, bold: bool = False) -> WriteOnlyCell:
    """A styled cell; a str is always stored as a string (data type "s"), never a formula."""
    quote = False
    if isinstance(value, str):
        text = safe.xlsx_text(value)
        cell = WriteOnlyCell(ws, value=text)
        cell.data_type = "s"  # openpyxl would read "=…" as a formula and "#N/A" as an error
        quote = safe.is_formula_like(text)
    else:
        if isinstance(value, datetime):
            value = wording.local_naive(value)
        cell = WriteOnlyCell(ws, value=value)
        if number_format is None and isinstance(value, datetime):
            number_format = DATETIME_FORMAT
        elif number_format is None and isinstance(value, date):
            number_format = DATE_FORMAT
    styles.apply(cell, head, number_format, fill, bold, quote)
    return cell


# Above this many rows a sheet's body cells go without borders and wrapping: styling each of
# a million cells would cost most of a large export's time.
PLAIN_ABOVE = 5_000
_OPENPYXL_ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")


def _plain_cell(ws: WriteOnlyWorksheet, styles: _Styles, value: object) -> object:
    """A bare value where openpyxl stores it as it is; anything it would turn into a formula
    or an error value (and every date, which needs its format) still goes through ``_cell``."""
    if isinstance(value, str):
        text = safe.xlsx_text(value)
        if safe.is_formula_like(text) or text.startswith("#") or text in _OPENPYXL_ERRORS:
            return _cell(ws, styles, value)
        return text
    if isinstance(value, (date, datetime)):
        return _cell(ws, styles, value)
    return value


def _text_width(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    text = value if isinstance(value, str) else str(value)
    return max((len(line) for line in text.splitlines()), default=0)


def _set_widths(ws: WriteOnlyWorksheet, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Column widths from the longest line in each column (Vietnamese letters run a little
    wider than Excel's "0" unit); long text wraps at ``MAX_WIDTH``. Must precede the rows."""
    widths = [max(len(word) for word in title.split()) + 2 for title in header]
    for row in rows:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], _text_width(value))
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(MAX_WIDTH, max(MIN_WIDTH, round(width * 1.1) + 2))


def _table_sheet(wb: Workbook, styles: _Styles, title: str, header: Sequence[str],
                 rows: Sequence[Sequence[object]], *, status_column: int | None = None) -> WriteOnlyWorksheet:
    """A sheet holding one table: header on row 1, frozen, with filters, printed landscape."""
    ws = wb.create_sheet(title)
    _set_widths(ws, header, rows)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.append([_cell(ws, styles, name, head=True) for name in header])
    plain = len(rows) > PLAIN_ABOVE  # a national-scale sheet: bare cells, still text-safe and dated
    for row in rows:
        ws.append([
            _plain_cell(ws, styles, value) if plain and i != status_column
            else _cell(ws, styles, value, fill=_CATEGORY_FILLS.get(value) if i == status_column else None)
            for i, value in enumerate(row)
        ])
    return ws


def _summary_sheet(wb: Workbook, styles: _Styles, report: StatusReport) -> None:
    ws = wb.create_sheet(SHEET_SUMMARY)
    ws.column_dimensions["A"].width = 42
    for letter in "BCDEFGH":
        ws.column_dimensions[letter].width = 15
    period = report.period_label or ""
    if report.window_start:
        period = f"{period} (từ {wording.short_date(report.window_start)} đến {wording.short_date(report.as_of)})".strip()
    title = WriteOnlyCell(ws, value=safe.xlsx_text(report.subject))
    title.data_type, title.font = "s", _TITLE_FONT
    ws.append([title])
    facts: list[tuple[str, object]] = [
        ("Thỏa thuận", f"{report.agreement_title} ({report.agreement_code})"),
        ("Số liệu đến ngày", report.as_of),
        ("Kỳ báo cáo", period or "—"),
        ("Phạm vi", report.scope_label),
        ("Tỉnh", "; ".join(report.provinces)),
    ]
    if report.hidden_restricted:
        facts.append(("Nhiệm vụ hạn chế không hiển thị", report.hidden_restricted))
    for label, value in facts:
        ws.append([_cell(ws, styles, label, bold=True), _cell(ws, styles, value)])

    ws.append([])
    ws.append([_cell(ws, styles, "Theo tình trạng", head=True), _cell(ws, styles, "Số nhiệm vụ", head=True),
               _cell(ws, styles, "Tỷ lệ", head=True)])
    total = report.summary.total
    for code in CATEGORY_ORDER:
        label = wording.category_label(code)
        count = report.summary.get(code)
        ws.append([_cell(ws, styles, label, fill=_CATEGORY_FILLS[label]), _cell(ws, styles, count),
                   _cell(ws, styles, count / total if total else 0, number_format="0.0%")])
    ws.append([_cell(ws, styles, "Tổng số", bold=True), _cell(ws, styles, total, bold=True),
               _cell(ws, styles, 1 if total else 0, number_format="0.0%", bold=True)])

    groups = (("Theo tỉnh (lượt tỉnh chủ trì)", [(name, c) for name, c in report.by_province]),
              ("Theo lĩnh vực", [(f"{n}. {name}", c) for n, name, c in report.by_area]))
    for heading, rows in groups:
        ws.append([])
        ws.append([_cell(ws, styles, name, head=True) for name in wording.counts_header(heading)])
        for name, counts in rows:
            ws.append([_cell(ws, styles, name)] + [_cell(ws, styles, v) for v in wording.counts_row(counts)])


def _update_rows(report: StatusReport) -> list[tuple[object, ...]]:
    return [(u.commitment_code, u.commitment_title, u.province, u.agency, wording.ROLE_LABELS.get(u.role, u.role),
             wording.state_label(u.state), u.percent, u.as_of, u.approved_at, u.results or "", u.obstacles or "",
             u.proposals or "", u.next_steps or "")
            for u in report.updates]


def _change_rows(report: StatusReport) -> list[tuple[object, ...]]:
    return [(c.at, wording.CHANGE_KIND_LABELS.get(c.kind, c.kind), c.commitment_code, c.description,
             c.reason or "", c.actor or "")
            for c in report.changes]


def _document_rows(report: StatusReport) -> list[tuple[object, ...]]:
    return [(d.doc_type, d.number_symbol, d.issued_on, d.issuing_body, d.subject, ", ".join(d.commitments))
            for d in report.document_rows]


def write(report: StatusReport, out: BinaryIO) -> None:
    """Write the workbook to the binary stream ``out`` (a file, BytesIO or response body)."""
    wb = Workbook(write_only=True)
    wb.properties.title = safe.clean(report.subject)[:255]
    wb.properties.creator = safe.clean(report.letterhead.issuing_agency)[:255]
    styles = _Styles()
    _summary_sheet(wb, styles, report)
    annex = [wording.sheet_values(row) for row in report.rows]
    _table_sheet(wb, styles, SHEET_ANNEX, wording.SHEET_HEADER, annex,
                 status_column=wording.SHEET_HEADER.index("Tình trạng"))
    _table_sheet(wb, styles, SHEET_UPDATES, UPDATE_HEADER, _update_rows(report))
    _table_sheet(wb, styles, SHEET_CHANGES, CHANGE_HEADER, _change_rows(report))
    _table_sheet(wb, styles, SHEET_DOCUMENTS, DOCUMENT_HEADER, _document_rows(report))
    wb.save(out)

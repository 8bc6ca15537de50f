"""The report as an Excel workbook: summary, annex table, approved updates, change log.

Written with openpyxl in write-only (streaming) mode so a province-wide scope fits in
memory; a national-scale sheet's rows are streamed as text into the saved workbook
(``ooxml_stream``), without a cell object or an XML element per value. User text is always a string cell, never a formula (``safe.xlsx_text``).
"""
from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from copy import copy
from functools import lru_cache
from datetime import date, datetime
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.compat.strings import safe_string
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from tracker.domain.report import CATEGORY_COLOURS, StatusReport
from tracker.domain.status import CATEGORY_ORDER
from tracker.exports import ooxml_stream, safe, wording

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


class _PlainRows:
    """A national-scale sheet's body, streamed as text into the saved workbook: what openpyxl
    would write for the same values (inline strings, dates as serial numbers with their format,
    formula-like text quoted), without a cell object per value.

    The sheet gets one marked row, which ``write`` replaces (``ooxml_stream``) once openpyxl
    has saved the workbook. The styles a value may need are made beforehand by ``_cell``
    (the stylesheet is saved with the workbook) and then named by their id.
    """

    def __init__(self, ws: WriteOnlyWorksheet, styles: _Styles, status_column: int | None, width: int,
                 rows: Iterable[Sequence[object]]) -> None:
        self.rows = rows
        self.ws, self.status_column = ws, status_column
        self.letters = [get_column_letter(i) for i in range(1, width + 1)]

        def style(value: object, fill: PatternFill | None = None) -> str:
            return f' s="{_cell(ws, styles, value, fill=fill).style_id}"'
        fills = [*_CATEGORY_FILLS.values(), None]
        self.ids: dict[tuple, str] = {
            **{("status", id(fill), quote): style("=" if quote else "x", fill) for fill in fills
               for quote in (False, True)},
            **{("text", quote): style("=" if quote else "#") for quote in (False, True)},
            ("date", date): style(date(2000, 1, 1)), ("date", datetime): style(datetime(2000, 1, 1)),
        }

        # A text's markup is made once while it keeps coming back: the updates sheet repeats its
        # titles, agencies and texts row after row. Bounded: a national annex's texts are mostly unique.
        self.text = lru_cache(maxsize=8192)(self._text)

    def _text(self, value: str, status: bool) -> str:
        """The markup of a text cell after its reference."""
        text = safe.xlsx_text(value)
        style = ""
        if status:
            style = self.ids[("status", id(_CATEGORY_FILLS.get(text)), safe.is_formula_like(text))]
        elif not text:
            return ' t="inlineStr"/>'  # an empty text cell, as openpyxl writes it
        elif text[0] == "#" or safe.is_formula_like(text) or text in _OPENPYXL_ERRORS:
            style = self.ids[("text", safe.is_formula_like(text))]
        space = ' xml:space="preserve"' if text != text.strip() else ""
        return f'{style} t="inlineStr"><is><t{space}>{_escape(text)}</t></is></c>'

    def append_to_sheet(self, mark: str) -> ooxml_stream.Hole:
        """The marked row after the header, and the hole the rows go in."""
        cell = WriteOnlyCell(self.ws, value=mark)
        cell.data_type = "s"
        self.ws.append([cell])
        return ooxml_stream.Hole(mark, "row", lambda _xml: self.write())

    def write(self):
        parts: list[str] = []
        for number, values in enumerate(self.rows, start=2):
            self._row(parts, values, str(number))
            yield "".join(parts)
            parts.clear()

    def _row(self, parts: list[str], values: Sequence[object], number: str) -> None:
        parts.append(f'<row r="{number}">')
        status = self.status_column
        for i, value in enumerate(values):
            if value is None:
                continue
            ref = self.letters[i] + number
            if value.__class__ is str or isinstance(value, str):
                parts += (f'<c r="{ref}"', self.text(value, i == status))
            elif isinstance(value, (date, datetime)):
                if isinstance(value, datetime):
                    value = wording.local_naive(value)
                style = self.ids[("date", value.__class__)]
                parts.append(f'<c r="{ref}"{style} t="n"><v>{to_excel(value):.16g}</v></c>')
            elif isinstance(value, bool):
                parts.append(f'<c r="{ref}" t="b"><v>{int(value)}</v></c>')
            else:
                parts.append(f'<c r="{ref}" t="n"><v>{safe_string(value)}</v></c>')
        parts.append("</row>")


def _escape(text: str) -> str:
    """Text for an XML element; a carriage return as a reference, or reading would make it a line feed."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


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
    wider than Excel's "0" unit); long text wraps at ``MAX_WIDTH``. Must precede the rows.
    A column already that wide is not measured further (30,000 long texts cost seconds)."""
    widths = [max(len(word) for word in title.split()) + 2 for title in header]
    full = next(w for w in range(1000) if _width(w) >= MAX_WIDTH)
    measured = [i for i, width in enumerate(widths) if width < full]
    for row in rows:
        for i in measured:
            value = row[i]
            if value is None:
                continue
            width = (len(value) if "\n" not in value else _text_width(value)) if value.__class__ is str \
                else _text_width(value)
            if width > widths[i]:
                widths[i] = width
        if any(widths[i] >= full for i in measured):
            measured = [i for i in measured if widths[i] < full]
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = _width(width)


def _width(longest: int) -> int:
    return min(MAX_WIDTH, max(MIN_WIDTH, round(longest * 1.1) + 2))


def _table_sheet(wb: Workbook, styles: _Styles, title: str, header: Sequence[str],
                 rows: "_Rows", marks: ooxml_stream.Marks, *, status_column: int | None = None
                 ) -> ooxml_stream.Hole | None:
    """A sheet holding one table: header on row 1, frozen, with filters, printed landscape.
    A national-scale sheet's rows are left to the hole returned, filled after saving."""
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
    if len(rows) > PLAIN_ABOVE:  # a national-scale sheet: bare cells, still text-safe and dated
        return _PlainRows(ws, styles, status_column, len(header), rows).append_to_sheet(marks(f"sheet-{len(wb.worksheets)}"))
    for row in rows:
        ws.append([_cell(ws, styles, value, fill=_CATEGORY_FILLS.get(value) if i == status_column else None)
                   for i, value in enumerate(row)])
    return None


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


class _Rows:
    """A sheet's rows made from the report's as they are read (twice: widths, then cells), never
    held all at once: 100,000 update rows as tuples would cost more memory than the workbook."""

    def __init__(self, make, source: Sequence) -> None:
        self.make, self.source = make, source

    def __len__(self) -> int:
        return len(self.source)

    def __iter__(self):
        return map(self.make, self.source)


def _update_row(u) -> tuple[object, ...]:
    return (u.commitment_code, u.commitment_title, u.province, u.agency, wording.ROLE_LABELS.get(u.role, u.role),
            wording.state_label(u.state), u.percent, u.as_of, u.approved_at, u.results or "", u.obstacles or "",
            u.proposals or "", u.next_steps or "")


def _change_row(c) -> tuple[object, ...]:
    return (c.at, wording.CHANGE_KIND_LABELS.get(c.kind, c.kind), c.commitment_code, c.description,
            c.reason or "", c.actor or "")


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
    marks = ooxml_stream.Marks()
    holes = [
        _table_sheet(wb, styles, SHEET_ANNEX, wording.SHEET_HEADER, _Rows(wording.sheet_values, report.rows), marks,
                     status_column=wording.SHEET_HEADER.index("Tình trạng")),
        _table_sheet(wb, styles, SHEET_UPDATES, UPDATE_HEADER, _Rows(_update_row, report.updates), marks),
        _table_sheet(wb, styles, SHEET_CHANGES, CHANGE_HEADER, _Rows(_change_row, report.changes), marks),
        _table_sheet(wb, styles, SHEET_DOCUMENTS, DOCUMENT_HEADER, _document_rows(report), marks),
    ]
    skeleton = io.BytesIO()
    wb.save(skeleton)
    ooxml_stream.copy_package(skeleton, out, [hole for hole in holes if hole is not None],
                              streamed=lambda name: name.startswith("xl/worksheets/"))

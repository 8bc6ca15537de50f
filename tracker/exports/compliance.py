"""The compliance board of one period as an XLSX file (per agency, then per commitment)."""
from __future__ import annotations

from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from tracker.clock import VIETNAM
from tracker.exports.safe import xlsx_text

STATUS_VI = {"on_time": "Đúng hạn", "late": "Muộn", "missing": "Chưa nộp"}


def _text(ws, value, bold: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=xlsx_text(value))
    cell.data_type = "s"  # never a formula, whatever the text starts with
    if bold:
        cell.font = Font(bold=True)
    return cell


def compliance_xlsx(period_label: str, agencies, rows, out: BinaryIO) -> None:
    book = Workbook(write_only=True)
    summary = book.create_sheet("Theo cơ quan")
    summary.freeze_panes = "A3"
    summary.append([_text(summary, f"Tình hình nộp báo cáo: {period_label}", bold=True)])
    summary.append([_text(summary, h, bold=True) for h in ("Cơ quan", "Phải báo cáo", "Đúng hạn", "Muộn", "Chưa nộp")])
    for a in agencies:
        summary.append([_text(summary, a.agency_name), a.owed, a.on_time, a.late, a.missing])
    detail = book.create_sheet("Chi tiết")
    detail.freeze_panes = "A2"
    detail.append([_text(detail, h, bold=True) for h in ("Cơ quan", "Mã", "Nhiệm vụ", "Tình hình", "Thời điểm gửi")])
    for r in rows:
        # Excel holds no time zone: write Vietnam wall-clock time, as every other file does
        submitted = r.submitted_at.astimezone(VIETNAM).replace(tzinfo=None) if r.submitted_at else None
        detail.append([_text(detail, r.agency_name), _text(detail, r.commitment_code), _text(detail, r.commitment_title),
                       _text(detail, STATUS_VI[r.status]), submitted])
    book.save(out)

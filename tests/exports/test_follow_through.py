"""The follow-through in the exported report: the demonstration `users demo` loads (a side at
risk, a disputed completion, a meeting's conclusions, the next phase) reads in the annex of the
Excel workbook and the Word document, each row's note naming it."""
from __future__ import annotations

import io

from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from tracker import clock
from tracker.exports import docx_report, xlsx
from tracker.extensions import db
from tracker.models import Agreement, User
from tracker.queries import reports


def _notes(agreement) -> tuple[list[str], str]:
    report = reports.build(reports.Scope(agreement=agreement, see_restricted=True), clock.today())
    out = io.BytesIO()
    xlsx.write(report, out)
    book = load_workbook(io.BytesIO(out.getvalue()), read_only=True)
    cells = [c for row in book[xlsx.SHEET_ANNEX].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    book.close()
    out = io.BytesIO()
    docx_report.write(report, out)
    document = Document(io.BytesIO(out.getvalue()))
    words = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    return cells, words


def test_the_annex_notes_risk_disputes_conclusions_and_the_next_phase(app, runner):
    db.session.execute(User.__table__.delete())
    assert runner.invoke(args=["users", "demo"]).exit_code == 0
    old = db.session.scalar(select(Agreement).where(Agreement.code == "TN-BG-2023"))
    cells, words = _notes(old)
    assert any("Nguy cơ chậm tiến độ (" in c for c in cells) and "Nguy cơ chậm tiến độ (" in words
    assert any("Tỉnh bạn không xác nhận hoàn thành của" in c for c in cells)
    assert "Tỉnh bạn không xác nhận hoàn thành của" in words
    assert any(c.startswith("Kết luận Hội nghị sơ kết ngày 16/10/2025") for c in cells)
    assert "Kết luận Hội nghị sơ kết ngày 16/10/2025" in words
    cells, words = _notes(old.successor)
    assert any("Tiếp nối nhiệm vụ 7.1 giai đoạn 2023-2025" in c for c in cells)
    assert "Tiếp nối nhiệm vụ 7.1 giai đoạn 2023-2025" in words

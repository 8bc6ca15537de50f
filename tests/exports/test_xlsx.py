"""The workbook, read back with openpyxl: sheets, counts, annex table, dates, no formulas."""
import io
import zipfile
from datetime import datetime

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from tracker import exports
from tracker.domain.status import CATEGORY_ORDER
from tracker.exports import wording, xlsx

from .conftest import FORMULA


@pytest.fixture
def data(report) -> bytes:
    out = io.BytesIO()
    exports.write(report, "xlsx", out)
    return out.getvalue()


@pytest.fixture
def book(data):
    wb = load_workbook(io.BytesIO(data))
    yield wb
    wb.close()


def col(name: str) -> int:
    return wording.SHEET_HEADER.index(name)


def test_sheets(book):
    assert book.sheetnames == [xlsx.SHEET_SUMMARY, xlsx.SHEET_ANNEX, xlsx.SHEET_UPDATES, xlsx.SHEET_CHANGES,
                               xlsx.SHEET_DOCUMENTS]


def test_the_implementing_documents_sheet(book, report):
    rows = [[c.value for c in r] for r in book[xlsx.SHEET_DOCUMENTS].iter_rows()]
    assert xlsx.SHEET_DOCUMENTS == "Văn bản triển khai"
    assert rows[0] == ["Loại văn bản", "Số, ký hiệu", "Ngày ban hành", "Cơ quan ban hành", "Trích yếu",
                       "Nhiệm vụ được triển khai"]
    assert rows[1] == ["Kế hoạch", "125/KH-UBND", datetime(2024, 3, 5), "UBND tỉnh Thái Nguyên",
                       "Triển khai thực hiện Biên bản ghi nhớ hợp tác", "TN-BG-01, TN-BG-02"]
    subject = book[xlsx.SHEET_DOCUMENTS]["E3"]
    assert subject.value.startswith("=HYPERLINK") and subject.data_type == "s"  # text, never a formula
    assert rows[2][5] in ("", None) and len(rows) == len(report.document_rows) + 1
    assert book[xlsx.SHEET_DOCUMENTS]["C2"].number_format == xlsx.DATE_FORMAT


def test_summary_counts_match_the_report(book, report):
    rows = [[c.value for c in r] for r in book[xlsx.SHEET_SUMMARY].iter_rows()]
    by_label = {r[0]: r for r in rows if r and isinstance(r[0], str)}
    for code in CATEGORY_ORDER:
        assert by_label[wording.category_label(code)][1] == report.summary.get(code)
    assert by_label["Tổng số"][1] == report.summary.total

    def table(heading):
        start = next(i for i, r in enumerate(rows) if r[0] == heading)
        assert rows[start][1:8] == [wording.category_label(c) for c in CATEGORY_ORDER] + ["Tổng số"]
        out = {}
        for r in rows[start + 1:]:
            if r[0] is None:
                break
            out[r[0]] = r[1:8]
        return out

    assert table("Theo tỉnh (lượt tỉnh chủ trì)") == {name: wording.counts_row(c) for name, c in report.by_province}
    assert table("Theo lĩnh vực") == {f"{n}. {name}": wording.counts_row(c) for n, name, c in report.by_area}


def test_annex_table(book, report):
    ws = book[xlsx.SHEET_ANNEX]
    rows = list(ws.iter_rows())
    assert [c.value for c in rows[0]] == list(wording.SHEET_HEADER)
    assert len(rows) == len(report.rows) + 1
    assert [r[0].value for r in rows[1:]] == [r.number for r in report.rows]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{get_column_letter(len(wording.SHEET_HEADER))}{len(report.rows) + 1}"
    for letter in "DEFJ":  # task, lead, co-operating, result: wide enough, but wrapped
        assert 20 <= ws.column_dimensions[letter].width <= xlsx.MAX_WIDTH


def test_annex_dates_are_real_dates(book):
    rows = list(book[xlsx.SHEET_ANNEX].iter_rows(min_row=2))
    due, original = rows[0][col("Thời hạn")], rows[0][col("Thời hạn ban đầu")]
    assert due.value == datetime(2025, 12, 31) and due.is_date
    assert original.value == datetime(2025, 6, 30) and original.is_date
    assert due.number_format == xlsx.DATE_FORMAT
    assert rows[2][col("Thời hạn")].value == "Thường xuyên"


def test_formula_text_is_a_string_cell_never_a_formula(book, data):
    cell = list(book[xlsx.SHEET_ANNEX].iter_rows(min_row=2))[1][col("Kết quả thực hiện")]
    assert cell.value == FORMULA
    assert cell.data_type == "s"
    assert cell.quotePrefix
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)
    changes = book[xlsx.SHEET_CHANGES]
    reason = [r for r in changes.iter_rows(min_row=2) if r[xlsx.CHANGE_HEADER.index("Lý do")].value == "@Thiếu minh chứng"]
    assert reason and reason[0][xlsx.CHANGE_HEADER.index("Lý do")].data_type == "s"


def test_illegal_characters_are_stripped(book):
    result = list(book[xlsx.SHEET_ANNEX].iter_rows(min_row=2))[2][col("Kết quả thực hiện")].value
    assert result == "Tổ chức thường niên vào tháng 3 tại hai tỉnh."


def test_updates_and_changes(book, report):
    updates = list(book[xlsx.SHEET_UPDATES].iter_rows(values_only=True))
    assert updates[0] == xlsx.UPDATE_HEADER
    assert len(updates) == len(report.updates) + 1
    first = updates[1]
    assert first[xlsx.UPDATE_HEADER.index("Ngày duyệt")] == datetime(2025, 12, 11, 10, 30)  # 03:30 UTC in Vietnam
    assert first[xlsx.UPDATE_HEADER.index("Số liệu đến ngày")] == datetime(2025, 12, 10)
    assert first[xlsx.UPDATE_HEADER.index("Vai trò")] == "Chủ trì"
    changes = list(book[xlsx.SHEET_CHANGES].iter_rows(values_only=True))
    assert len(changes) == len(report.changes) + 1
    assert [r[1] for r in changes[1:]] == ["Gia hạn", "Điều chuyển", "Trả lại"]
    assert book[xlsx.SHEET_CHANGES].freeze_panes == "A2"


def test_empty_report_still_writes(report):
    import dataclasses

    out = io.BytesIO()
    xlsx.write(dataclasses.replace(report, rows=(), updates=(), changes=()), out)
    wb = load_workbook(io.BytesIO(out.getvalue()))
    assert wb[xlsx.SHEET_ANNEX].max_row == 1
    wb.close()

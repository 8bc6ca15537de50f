"""The annex as CSV: BOM, one line per task, formulas defused, control characters gone."""
import csv
import io

from tracker import exports
from tracker.exports import wording

from .conftest import FORMULA


def written(report) -> bytes:
    out = io.BytesIO()
    exports.write(report, "csv", out)
    assert not out.closed  # the caller's stream stays open
    return out.getvalue()


def test_bom_and_rows(report):
    data = written(report)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == list(wording.SHEET_HEADER)
    assert len(rows) == len(report.rows) + 1
    assert all(len(r) == len(wording.SHEET_HEADER) for r in rows)
    result = wording.SHEET_HEADER.index("Kết quả thực hiện")
    due = wording.SHEET_HEADER.index("Thời hạn")
    assert rows[2][result] == "'" + FORMULA
    assert rows[3][result] == "Tổ chức thường niên vào tháng 3 tại hai tỉnh."
    assert rows[1][result].split("\n") == ["Thái Nguyên: Đã giải phóng mặt bằng 85 % diện tích.",
                                          "Bắc Ninh: Đang thi công nền đường."]
    assert rows[1][due] == "31/12/2025" and rows[3][due] == "Thường xuyên"
    assert rows[1][wording.SHEET_HEADER.index("Nội dung nhiệm vụ")] == report.rows[0].task


def test_no_control_characters(report):
    text = written(report).decode("utf-8-sig")
    assert "\x00" not in text and "\x07" not in text

"""The plan import in a browser: download the template, fill three rows with one error,
upload, see the error by its row, fix it, confirm, find the commitments in the list."""
import csv
import io
import os
import re
from pathlib import Path

import pytest

from tests.browser.test_journeys import sign_in

pytestmark = pytest.mark.browser


def filled(template: bytes, third_lead: str) -> bytes:
    rows = list(csv.reader(io.StringIO(template.decode("utf-8-sig"))))
    col = {h.rsplit("(", 1)[1].rstrip(")"): i for i, h in enumerate(rows[0])}

    def row(code, title, lead):
        cells = [""] * len(rows[0])
        cells[col["field"]], cells[col["code"]], cells[col["title"]] = "7", code, title
        cells[col["start"]], cells[col["due"]], cells[col["lead TN"]] = "01/01/2027", "30/06/2027", lead
        return cells

    rows += [row("7.81", "Hội chợ hàng điện tử chung", "TN-STC"),
             row("7.82", "Khảo sát quỹ đất công nghiệp", "Sở Xây dựng tỉnh Thái Nguyên"),
             row("7.83", "Tọa đàm doanh nghiệp FDI", third_lead)]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def test_coordinator_imports_three_rows_after_fixing_one(page, tmp_path):
    shots = Path(os.environ.get("TRACKER_SCREENSHOTS") or tmp_path)
    sign_in(page, "daumoi@example.com")
    page.get_by_role("button", name="Văn bản hợp tác").click()
    page.get_by_role("link", name="Nhập kế hoạch từ tệp").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải mẫu trống (CSV)").click()
    template = Path(download.value.path()).read_bytes()

    page.get_by_label("Tệp kế hoạch (XLSX hoặc CSV)").set_input_files(
        files=[{"name": "ke-hoach.csv", "mimeType": "text/csv", "buffer": filled(template, "Sở Không Tồn Tại")}])
    page.get_by_role("button", name="Kiểm tra tệp").click()
    error_row = page.locator("[data-row='4']")
    assert "Sở Không Tồn Tại" in error_row.inner_text() and "Lỗi" in error_row.inner_text()
    assert page.get_by_role("button", name="Xác nhận nhập kế hoạch").count() == 0
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(shots / "plan-import-errors-390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.screenshot(path=str(shots / "plan-import-errors-1366.png"), full_page=True)

    page.get_by_label("Tệp kế hoạch (XLSX hoặc CSV)").set_input_files(
        files=[{"name": "ke-hoach.csv", "mimeType": "text/csv", "buffer": filled(template, "TN-SKHCN")}])
    page.get_by_role("button", name="Kiểm tra tệp").click()
    assert page.get_by_text(re.compile("Thêm mới: 3")).is_visible()
    page.screenshot(path=str(shots / "plan-import-preview-1366.png"), full_page=True)
    page.get_by_role("button", name="Xác nhận nhập kế hoạch").click()
    page.wait_for_url(re.compile(r"/commitments\?agreement=\d+"))
    assert page.get_by_text(re.compile("3 nhiệm vụ mới")).is_visible()
    page.get_by_label("Tìm kiếm").fill("FDI")
    page.get_by_role("button", name="Lọc nhiệm vụ").click()
    assert page.get_by_text("Tọa đàm doanh nghiệp FDI").first.is_visible()

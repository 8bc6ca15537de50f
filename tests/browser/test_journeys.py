"""User journeys in headless Chromium. Later features add theirs here."""
import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page, email="canbo@example.com"):
    page.goto("/")
    assert "/login" in page.url
    page.get_by_label("Thư điện tử").fill(email)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r"/$"))


def test_officer_signs_in_and_opens_the_agreement(page, tmp_path):
    sign_in(page)
    page.get_by_role("button", name="Văn bản hợp tác").click()
    page.locator(".agreement-switcher a").first.click()
    page.wait_for_url(re.compile(r"/agreements/\d+$"))
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.get_by_role("heading", name=re.compile("Biên bản ghi nhớ")).is_visible()
    assert page.get_by_text("Nguyễn Thanh Hải").is_visible()
    assert page.get_by_text("Tỉnh Bắc Giang hợp nhất với Tỉnh Bắc Ninh thành Tỉnh Bắc Ninh (mới)").is_visible()
    # An officer is not cleared: 7 of the 9 fields are listed, and the page says 2 are hidden.
    assert page.locator("a[href^='/areas/']").count() == 7
    assert page.get_by_text(re.compile("2 lĩnh vực hạn chế")).is_visible()
    page.screenshot(path=str(tmp_path / "agreement.png"), full_page=True)


def test_search_and_language_switch(page):
    sign_in(page, "song.ngu@example.com")
    page.get_by_role("link", name="Nhiệm vụ", exact=True).first.click()
    page.get_by_label("Tìm kiếm").fill("THAI NGUYEN")
    page.get_by_role("button", name="Lọc nhiệm vụ").click()
    rows = page.locator("table.commitments tbody tr a[href^='/commitments/']")
    assert rows.count() >= 1
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "q=THAI+NGUYEN" in page.url  # the filter survives the switch


def test_phone_width_folds_the_menu(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="vi-VN", viewport={"width": 360, "height": 740})
    page = context.new_page()
    sign_in(page)
    toggler = page.locator(".navbar-toggler")
    assert toggler.is_visible()
    expect(page.get_by_role("link", name="Nhiệm vụ", exact=True).first).to_be_hidden()
    toggler.click()
    expect(page.get_by_role("link", name="Nhiệm vụ", exact=True).first).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"page scrolls sideways at 360 px ({width} px)"
    context.close()


def test_officer_reports_with_evidence_and_coordinator_approves(browser, live_server, tmp_path):
    pdf = tmp_path / "Biên bản họp.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    officer = browser.new_context(base_url=live_server, locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = officer.new_page()
    sign_in(page)
    page.get_by_role("link", name="Việc của tôi").click()
    expect(page.get_by_role("heading", name="Việc của tôi")).to_be_visible()
    page.screenshot(path=str(tmp_path / "inbox.png"), full_page=True)
    page.locator("table.inbox").get_by_role("link", name="Báo cáo", exact=True).first.click()
    page.get_by_label("Đang triển khai").check()
    page.get_by_label("Tỷ lệ hoàn thành (%)").fill("55")
    page.get_by_label("Kết quả thực hiện").fill("Đã khảo sát quỹ đất dọc Quốc lộ 37.")
    page.get_by_label("Tệp minh chứng").set_input_files(str(pdf))
    page.screenshot(path=str(tmp_path / "form.png"), full_page=True)
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.get_by_text("Đã gửi báo cáo để duyệt.")).to_be_visible()
    expect(page.get_by_role("link", name="Biên bản họp.pdf")).to_be_visible()
    officer.close()

    coordinator = browser.new_context(base_url=live_server, locale="vi-VN")
    page = coordinator.new_page()
    sign_in(page, "daumoi@example.com")
    page.get_by_role("link", name="Duyệt báo cáo").click()
    expect(page.get_by_text("Đã khảo sát quỹ đất dọc Quốc lộ 37.")).to_be_visible()
    page.get_by_role("button", name="Duyệt", exact=True).first.click()
    expect(page.get_by_text("Đã duyệt báo cáo.")).to_be_visible()
    coordinator.close()


def test_typed_report_survives_a_reload_until_it_is_saved(page):
    sign_in(page)
    page.goto("/my")
    page.locator("table.inbox").get_by_role("link", name="Báo cáo", exact=True).first.click()
    form_url = page.url
    notice = page.get_by_text("Trình duyệt này còn giữ nội dung bạn đã nhập lần trước")
    expect(notice).to_be_hidden()  # nothing kept yet
    page.get_by_label("Kết quả thực hiện").fill("Nội dung dài đã gõ trước khi mất kết nối.")
    page.wait_for_timeout(700)  # the copy is kept after a short pause in typing
    page.goto(form_url)  # a reload, as after an expired session or a dropped connection
    expect(page.get_by_label("Kết quả thực hiện")).to_have_value("")
    expect(notice).to_be_visible()
    page.get_by_role("button", name="Khôi phục nội dung đó").click()
    expect(page.get_by_label("Kết quả thực hiện")).to_have_value("Nội dung dài đã gõ trước khi mất kết nối.")
    page.get_by_label("Đang triển khai").check()
    page.get_by_label("Tỷ lệ hoàn thành (%)").fill("20")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_text("Đã lưu bản nháp.")).to_be_visible()
    page.goto(form_url)
    expect(notice).to_be_hidden()  # saved on the server: the browser's copy is gone


def test_dashboard_draws_its_fetched_figures_and_opens_a_table_on_demand(page):
    """The page carries neither the figures nor the tables (megabytes at national scale): the
    charts are drawn from /dashboard/figures.json, and a table is fetched when it is opened."""
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    sign_in(page)
    expect(page.locator(".chart[data-figure='by_field'] .main-svg").first).to_be_visible(timeout=15_000)
    table = page.locator("details.chart-table[data-src]").first
    assert table.locator("table").count() == 0
    table.locator("summary").click()
    expect(table.locator("table tbody tr").first).to_be_visible()
    assert table.get_attribute("data-loaded") == "yes"
    assert errors == []

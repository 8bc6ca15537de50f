"""A meeting's conclusions in headless Chromium: recorded by a coordinator, reported on by an
officer, approved, followed on the dashboard, confirmed and disputed by the partner province."""
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.test_journeys import sign_in

pytestmark = pytest.mark.browser


def _context(browser, live_server, width=1366):
    return browser.new_context(base_url=live_server, locale="vi-VN", viewport={"width": width, "height": 900})


def _option(page, select: str, text: str) -> str:
    """The value of the option of ``select`` whose label starts with ``text``."""
    return page.locator(f"{select} option").filter(has_text=re.compile("^" + re.escape(text))).first.get_attribute("value")


def _no_sideways_scroll(page, width: int) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"the page scrolls sideways at {width} px ({scroll} px)"


def _record(page, held_on: str, due: str) -> list[str]:
    """The coordinator records a meeting with two conclusions led by Sở Tài chính; their ids."""
    page.goto("/meetings")
    page.get_by_role("link", name="Ghi nhận cuộc họp").click()
    page.get_by_label("Ngày họp").fill(held_on)
    page.get_by_label("Địa điểm").fill("Trụ sở UBND tỉnh Thái Nguyên")
    page.get_by_label("Chủ trì cuộc họp").fill("Chủ tịch UBND tỉnh Thái Nguyên")
    for row, text in enumerate(("Hoàn thiện cơ chế chia sẻ dữ liệu thu ngân sách", "Rà soát danh mục dự án đầu tư công liên tỉnh")):
        page.locator(f"#conclusions-{row}-text").fill(text)
        page.locator(f"#conclusions-{row}-area").select_option(_option(page, f"#conclusions-{row}-area", "2."))
        page.locator(f"#conclusions-{row}-due_date").fill(due)
        page.locator(f"#conclusions-{row}-leads").select_option(_option(page, f"#conclusions-{row}-leads", "Sở Tài chính"))
    page.get_by_role("button", name="Ghi nhận cuộc họp").click()
    expect(page.get_by_text("Đã ghi nhận cuộc họp và các kết luận.")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Hội nghị sơ kết ngày {held_on}")).to_be_visible()
    links = page.locator("table.commitments tbody a[href^='/commitments/']")
    expect(links).to_have_count(2)
    return [links.nth(i).get_attribute("href").rsplit("/", 1)[1] for i in range(2)]


def _partner_leads(page, commitment_id: str) -> None:
    """Bắc Ninh's coordinator names its lead agency: the conclusion becomes a shared task."""
    page.goto(f"/commitments/{commitment_id}/assignments")
    page.locator("#agency").select_option(_option(page, "#agency", "Sở Tài chính"))
    page.locator("#reason").select_option("direction")
    page.get_by_role("button", name="Lưu phân công").click()
    expect(page.get_by_text(re.compile("Đã phân công"))).to_be_visible()


def _report_done(page, commitment_id: str, results: str) -> None:
    page.goto(f"/commitments/{commitment_id}")
    expect(page.get_by_text(re.compile(r"Kết luận của Hội nghị sơ kết ngày"))).to_be_visible()
    page.get_by_role("link", name="Báo cáo tiến độ").click()
    page.get_by_label("Hoàn thành", exact=True).check()
    page.get_by_label("Tỷ lệ hoàn thành (%)").fill("100")
    page.get_by_label("Kết quả thực hiện").fill(results)
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.get_by_text("Đã gửi báo cáo để duyệt.")).to_be_visible()


def _approve(page, results: str) -> None:
    page.goto("/reviews")
    item = page.locator("li, tr, .card, .list-group-item").filter(has_text=results).last
    item.get_by_role("button", name="Duyệt", exact=True).click()
    expect(page.get_by_text("Đã duyệt báo cáo.")).to_be_visible()


def test_a_meetings_conclusions_from_record_to_partner_confirmation(browser, live_server, tmp_path):
    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()  # the served app's today, not the suite's fixed one
    held_on = (today - timedelta(days=30)).strftime("%d/%m/%Y")
    due = (today + timedelta(days=60)).strftime("%d/%m/%Y")
    coordinator = _context(browser, live_server)
    page = coordinator.new_page()
    sign_in(page, "daumoi@example.com")
    first, second = _record(page, held_on, due)
    meeting_url = page.url
    page.screenshot(path=str(tmp_path / "meeting-1366.png"), full_page=True)

    partner = _context(browser, live_server)
    bn = partner.new_page()
    sign_in(bn, "daumoi.bn@example.com")
    for commitment_id in (first, second):
        _partner_leads(bn, commitment_id)

    officer = _context(browser, live_server)
    op = officer.new_page()
    sign_in(op, "canbo@example.com")
    _report_done(op, first, "Đã ban hành quy chế chia sẻ dữ liệu thu ngân sách.")
    _approve(page, "Đã ban hành quy chế chia sẻ dữ liệu thu ngân sách.")

    page.goto(meeting_url)
    page.get_by_role("link", name="Xem trên bảng điều khiển").first.click()
    expect(page.get_by_role("heading", name=f"Thực hiện kết luận Hội nghị sơ kết ngày {held_on}")).to_be_visible()
    expect(page.locator(".card-total .figure-value")).to_have_text("2")
    page.screenshot(path=str(tmp_path / "dashboard-1366.png"), full_page=True)
    meeting_id = re.search(r"meeting=(\d+)", page.url).group(1)

    _report_done(op, second, "Đã rà soát xong danh mục dự án.")
    _approve(page, "Đã rà soát xong danh mục dự án.")
    bn.goto("/reviews")
    expect(bn.get_by_role("heading", name="Chờ tỉnh bạn xác nhận")).to_be_visible()
    confirm = bn.locator("article.card").filter(has_text="Hoàn thiện cơ chế chia sẻ dữ liệu").last
    confirm.get_by_role("button", name="Xác nhận hoàn thành").click()
    expect(bn.get_by_text("Đã xác nhận hoàn thành.")).to_be_visible()
    dispute = bn.locator("article.card").filter(has_text="Rà soát danh mục dự án đầu tư công").last
    dispute.get_by_placeholder("Lý do không xác nhận (bắt buộc)").fill("Chưa có danh mục thống nhất của hai tỉnh.")
    dispute.get_by_role("button", name="Không xác nhận").click()
    expect(bn.get_by_text(re.compile("Đã gửi ý kiến không xác nhận"))).to_be_visible()

    body = page.request.get(f"/dashboard.json?meeting={meeting_id}").json()
    assert body["total"] == 2 and body["disputed"] == 1
    # Thái Nguyên's side: the confirmed one done, the disputed one not counted done meanwhile;
    # neither conclusion is done as a whole until Bắc Ninh's side reports too.
    assert body["sides"]["TN"]["categories"]["done_on_time"] == 1 and body["categories"]["done_on_time"] == 0
    page.goto(meeting_url)
    expect(page.locator("[data-disputed]")).to_have_count(1)

    phone = _context(browser, live_server, width=390)
    small = phone.new_page()
    sign_in(small, "lanhdao@example.com")
    small.goto(meeting_url)
    expect(small.get_by_role("heading", name=f"Hội nghị sơ kết ngày {held_on}")).to_be_visible()
    _no_sideways_scroll(small, 390)
    small.goto(f"/?meeting={meeting_id}")
    expect(small.get_by_role("heading", name=re.compile("Thực hiện kết luận"))).to_be_visible()
    _no_sideways_scroll(small, 390)
    small.screenshot(path=str(tmp_path / "dashboard-390.png"), full_page=True)
    for context in (coordinator, partner, officer, phone):
        context.close()

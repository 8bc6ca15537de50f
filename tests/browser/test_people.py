"""The three journeys of the people's experience (issue 15), in Debian's Chromium.

1. An officer reports with a PDF, hits a validation error with everything kept, submits; the
   coordinator is told and returns it with a reason; the officer is told, revises; the
   coordinator approves; the task's timeline shows all four steps.
2. A leader reads the dashboard, clicks a bar, changes the as-of date, switches language.
3. A coordinator exports the half-year report and the files open.

On every page: see ``watch.py`` (no outside request, no console error, no failed request,
axe-core without serious/critical WCAG 2.1 AA violations, nothing overflowing at 360 px).
Screenshots of the dashboard, "Việc của tôi" and the progress form at 360 and 1366 px go to
``screenshots/`` (git-ignored).
"""
from __future__ import annotations

import io
import zipfile

import pytest
from playwright.sync_api import expect

from tests.browser.test_journeys import sign_in
from tests.browser.watch import DESKTOP, OVERFLOW_JS, PHONE, Watch, axe_source, screenshot

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(scope="module")
def axe():
    source = axe_source()
    if source is None:
        pytest.skip("axe-core missing or not the pinned version: run `make install` (needs npm)")
    return source


@pytest.fixture
def person(browser, live_server, axe):
    """``person(email, viewport)``: a signed-in page in its own context, watched; at the end of
    the test every watched page is visited again at 360 px and nothing may have gone wrong."""
    watches: list[tuple[Watch, object]] = []

    def open_(email: str, viewport=DESKTOP):
        context = browser.new_context(base_url=live_server, locale="vi-VN", viewport=viewport,
                                      accept_downloads=True)
        watch = Watch(axe)
        watch.attach(context)
        page = context.new_page()
        sign_in(page, email)
        watches.append((watch, context))
        return page, watch

    yield open_
    problems = []
    for watch, context in watches:
        watch.phone_pass(browser, live_server, context.storage_state())
        problems += watch.problems
        context.close()
    assert problems == [], "\n".join(problems)


def test_an_officer_reports_is_returned_revises_and_is_approved(person, tmp_path):
    pdf = tmp_path / "Biên bản làm việc.pdf"
    pdf.write_bytes(PDF)
    officer, watch = person("canbo@example.com")
    officer.get_by_role("link", name="Việc của tôi").click()
    watch.check(officer)
    screenshot(officer, "viec-cua-toi")
    row = officer.locator("table.inbox tbody tr").filter(has=officer.get_by_role("link", name="Báo cáo", exact=True)).nth(3)
    title = row.locator("td.card-title a").inner_text()
    row.get_by_role("link", name="Báo cáo", exact=True).click()
    watch.check(officer)
    screenshot(officer, "bao-cao-tien-do")

    # a mistake: the typed text stays, the error is beside the field and summed up at the top
    officer.get_by_label("Đang triển khai").check()
    officer.get_by_label("Tỷ lệ hoàn thành (%)").fill("150")
    officer.get_by_label("Kết quả thực hiện").fill("Đã thống nhất phương án kết nối hạ tầng số.")
    officer.get_by_label("Tệp minh chứng").set_input_files(str(pdf))
    officer.get_by_role("button", name="Gửi báo cáo").click()
    expect(officer.locator("#error-summary")).to_be_visible()
    expect(officer.get_by_label("Kết quả thực hiện")).to_have_value("Đã thống nhất phương án kết nối hạ tầng số.")
    expect(officer.get_by_label("Tỷ lệ hoàn thành (%)")).to_have_value("150")
    expect(officer.get_by_label("Đang triển khai")).to_be_checked()
    watch.check(officer, "the form with its errors")
    officer.get_by_label("Tỷ lệ hoàn thành (%)").fill("55")
    officer.get_by_label("Tệp minh chứng").set_input_files(str(pdf))  # a file must be chosen again
    officer.get_by_role("button", name="Gửi báo cáo").click()
    expect(officer.get_by_text("Đã gửi báo cáo để duyệt.")).to_be_visible()
    expect(officer.get_by_role("link", name="Biên bản làm việc.pdf")).to_be_visible()
    first_url = officer.url
    officer.goto("/my")
    expect(officer.locator("table.inbox tr", has_text=title).get_by_text("Đã gửi, chờ duyệt")).to_be_visible()

    # the coordinator is told at once, and returns it with a reason
    coordinator, cwatch = person("daumoi@example.com")
    expect(coordinator.locator("a.bell .badge")).to_be_visible()
    coordinator.locator("a.bell").click()
    expect(coordinator.get_by_role("link", name="Báo cáo chờ duyệt").first).to_be_visible()
    cwatch.check(coordinator)
    coordinator.get_by_role("link", name="Duyệt báo cáo").click()
    card = coordinator.locator("article", has_text="Đã thống nhất phương án kết nối hạ tầng số.")
    card.get_by_label("Lý do trả lại").fill("Bổ sung số liệu vốn đối ứng.")
    cwatch.check(coordinator)
    card.get_by_role("button", name="Trả lại").click()
    expect(coordinator.get_by_text("Đã trả lại báo cáo cho cơ quan chỉnh sửa.")).to_be_visible()

    # the officer is told, with the reason, and revises
    officer.goto("/notifications")
    expect(officer.get_by_text("Bổ sung số liệu vốn đối ứng.")).to_be_visible()
    watch.check(officer)
    officer.goto(first_url)
    officer.get_by_role("link", name="Lập báo cáo chỉnh sửa, bổ sung").click()
    expect(officer.get_by_text("Bổ sung số liệu vốn đối ứng.")).to_be_visible()
    officer.get_by_label("Kết quả thực hiện").fill("Đã bổ sung số liệu vốn đối ứng: 12 tỷ đồng.")
    officer.get_by_role("button", name="Gửi báo cáo").click()
    expect(officer.get_by_text("Đã gửi báo cáo để duyệt.")).to_be_visible()

    # the coordinator approves; the timeline shows every step
    coordinator.goto("/reviews")
    card = coordinator.locator("article", has_text="12 tỷ đồng")
    card.get_by_role("button", name="Duyệt", exact=True).click()
    expect(coordinator.get_by_text("Đã duyệt báo cáo.")).to_be_visible()
    officer.goto("/notifications")
    expect(officer.get_by_role("link", name="Báo cáo đã được duyệt").first).to_be_visible()
    officer.goto("/my")
    officer.locator("table.inbox").get_by_role("link", name=title).click()
    timeline = officer.locator("ol.timeline")
    for step in ("Gửi báo cáo", "Trả lại báo cáo", "Duyệt báo cáo"):
        expect(timeline.get_by_text(step).first).to_be_visible()
    assert timeline.get_by_text("Gửi báo cáo").count() >= 2
    watch.check(officer)


def test_a_leader_reads_the_dashboard_drills_down_and_switches_language(person):
    leader, watch = person("lanhdao@example.com")
    watch.check(leader)
    screenshot(leader, "tong-quan")
    chart = leader.locator('.chart[data-figure="by_field"]')
    chart.scroll_into_view_if_needed()
    bars = [b for b in (p.bounding_box() for p in chart.locator(".point").all()) if b and b["width"] > 8]
    bar = max(bars, key=lambda b: b["width"])
    leader.mouse.move(bar["x"] + bar["width"] / 2, bar["y"] + bar["height"] / 2)
    with leader.expect_navigation():
        leader.mouse.click(bar["x"] + bar["width"] / 2, bar["y"] + bar["height"] / 2)
    assert "/commitments?" in leader.url and "category=" in leader.url
    expect(leader.locator("table.commitments tbody tr").first).to_be_visible()
    watch.check(leader)
    leader.goto("/")
    leader.get_by_label("Tính đến ngày").fill("31/12/2025")
    leader.get_by_role("button", name="Xem số liệu").click()
    expect(leader.get_by_text("Số liệu đến ngày 31/12/2025")).to_be_visible()
    expect(leader.get_by_label("Tính đến ngày")).to_have_value("31/12/2025")
    leader.get_by_role("button", name="English").click()
    leader.wait_for_load_state()
    assert leader.locator("html").get_attribute("lang") == "en"
    expect(leader.get_by_text("Figures as of 31 Dec 2025")).to_be_visible()
    watch.check(leader)
    leader.get_by_role("button", name="Tiếng Việt").click()  # leave the shared account as it was
    leader.wait_for_load_state()


def test_a_coordinator_exports_the_half_year_report_and_the_files_open(person):
    from docx import Document
    from openpyxl import load_workbook
    from pypdf import PdfReader

    coordinator, watch = person("daumoi@example.com")
    coordinator.get_by_role("link", name="Báo cáo", exact=True).click()
    watch.check(coordinator)
    period = coordinator.get_by_label("Kỳ báo cáo")
    half_year = next(o for o in period.locator("option").all_inner_texts() if "6 tháng" in o)
    period.select_option(label=half_year)
    files = {}
    for fmt, label in (("docx", "Word (DOCX)"), ("pdf", "PDF"), ("xlsx", "Excel (XLSX)")):
        coordinator.get_by_label(label).check()
        with coordinator.expect_download() as download:
            coordinator.get_by_role("button", name="Tải báo cáo").click()
        files[fmt] = download.value.path().read_bytes()
    document = Document(io.BytesIO(files["docx"]))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "BÁO CÁO" in text.upper() and "6 tháng" in text
    workbook = load_workbook(io.BytesIO(files["xlsx"]), read_only=True)
    assert workbook.sheetnames and zipfile.is_zipfile(io.BytesIO(files["xlsx"]))
    pdf_text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(files["pdf"])).pages)
    assert "6 tháng" in pdf_text and "BÁO CÁO" in pdf_text.upper()


def test_screenshots_at_phone_width(person):
    """The dashboard, "Việc của tôi" and the progress form at 360 px (the journeys took 1366 px)."""
    for email, path, name in (("lanhdao@example.com", "/", "tong-quan"), ("canbo@example.com", "/my", "viec-cua-toi")):
        page, watch = person(email, PHONE)
        page.goto(path)
        watch.check(page)
        screenshot(page, name)
        if path == "/":  # in English too: longer words, and the product's name wider than 360 px
            page.locator(".navbar-toggler").click()
            page.get_by_role("button", name="English").click()
            page.wait_for_load_state("networkidle")
            found = page.evaluate(OVERFLOW_JS)
            assert found["scrollWidth"] <= found["width"] and not found["out"], found
            page.locator(".navbar-toggler").click()
            page.get_by_role("button", name="Tiếng Việt").click()
            page.wait_for_load_state("networkidle")
        if path == "/my":
            page.locator("table.inbox").get_by_role("link", name="Báo cáo", exact=True).first.click()
            watch.check(page)
            screenshot(page, "bao-cao-tien-do")
            # the form by keyboard alone, with visible focus: a state, a percentage, Enter sends it
            page.locator("main").focus()
            for _ in range(40):
                page.keyboard.press("Tab")
                if page.evaluate("document.activeElement.name") == "state":
                    break
            assert page.evaluate("document.activeElement.name") == "state"
            focus = page.evaluate("getComputedStyle(document.activeElement).outlineStyle + ' '"
                                  " + getComputedStyle(document.activeElement).boxShadow")
            assert focus.split()[0] != "none" or "rgb" in focus, focus
            page.keyboard.press("ArrowRight")  # "Đang triển khai"
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.name") == "percent"
            page.keyboard.type("30")
            page.keyboard.press("Enter")  # the form's first button: "Gửi báo cáo"
            expect(page.get_by_text("Đã gửi báo cáo để duyệt.")).to_be_visible()
            watch.check(page)

"""The administrators' working-day calendar page: declared days, the form, the year's holidays."""
import re
from datetime import date

from sqlalchemy import select

from tests.client import csrf_token
from tracker.extensions import db
from tracker.models import Agreement, AuditEvent, CalendarDay, User
from tracker.status import calendar as work_calendar


def agreement():
    return db.session.scalar(select(Agreement).where(Agreement.code == "TN-BG-2023"))


def post_day(client, day, kind="day_off", reason="Thông báo số 01/TB-VPCP", year=2025):
    token = csrf_token(client, f"/admin/calendar?year={year}")
    return client.post(f"/admin/calendar?year={year}",
                       data={"csrf_token": token, "day": day, "kind": kind, "reason": reason})


def h1_2025_row(client):
    html = client.get(f"/periods?agreement={agreement().id}").get_data(as_text=True)
    return re.search(r"<tr>(?:(?!</tr>).)*6 tháng đầu năm 2025.*?</tr>", html, re.S).group(0)


def test_page_shows_the_year_s_public_holidays_from_the_library(login_as):
    html = login_as("admin").get("/admin/calendar?year=2026").get_data(as_text=True)
    table = re.search(r'<table class="table table-sm" id="public-holidays">.*?</table>', html, re.S).group(0)
    for day in ("16/02/2026", "17/02/2026", "20/02/2026", "02/09/2026", "24/11/2026"):
        assert day in table
    assert "Tết Nguyên Đán" in table and "Thứ Ba" in table  # 17/02/2026 is a Tuesday
    assert "22/08/2026" in html  # the library's make-up Saturday is shown too
    assert "Chưa khai báo ngày nào cho năm 2026" in html


def test_a_day_typed_dd_mm_yyyy_is_declared_and_moves_the_deadline_on_periods(login_as):
    client = login_as("admin")
    assert "17/06/2025" in h1_2025_row(client)  # Saturday cut-off 14/06/2025: Mon 16, Tue 17
    response = post_day(client, "16/06/2025", reason="Nghỉ bù theo thông báo")
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/calendar?year=2025")
    row = db.session.scalar(select(CalendarDay).where(CalendarDay.day == date(2025, 6, 16)))
    assert (row.kind, row.reason) == ("day_off", "Nghỉ bù theo thông báo")
    assert row.created_by.email == "admin@example.com"
    page = client.get("/admin/calendar?year=2025").get_data(as_text=True)
    declared = re.search(r'id="declared-days">.*?</table>', page, re.S).group(0)
    assert "16/06/2025" in declared and "Nghỉ bù theo thông báo" in declared and "admin@example.com" in declared
    assert "Đã thêm ngày 16/06/2025" in page
    # the next request counts with it: the deadline moves to Wednesday 18/06/2025
    cells = h1_2025_row(client)
    assert "18/06/2025" in cells and "17/06/2025" not in cells
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "calendar_day_declared")) is not None

    # removing it brings the deadline back
    token = csrf_token(client, "/admin/calendar?year=2025")
    response = client.post(f"/admin/calendar/{row.id}/remove", data={"csrf_token": token})
    assert response.status_code == 302
    assert db.session.get(CalendarDay, row.id) is None
    assert "17/06/2025" in h1_2025_row(client)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "calendar_day_removed"))
    assert event.details["day"] == "2025-06-16"


def test_a_make_up_saturday_is_declared(login_as):
    client = login_as("admin")
    assert post_day(client, "21/02/2026", kind="working_day", reason="Làm bù cho ngày 23/02", year=2026).status_code == 302
    assert work_calendar.calendar().is_working_day(date(2026, 2, 21))
    html = client.get("/admin/calendar?year=2026").get_data(as_text=True)
    assert "21/02/2026" in html and "Làm bù" in html
    assert "21/02/2026" not in client.get("/admin/calendar?year=2025").get_data(as_text=True)


def test_bad_input_is_answered_in_vietnamese_and_keeps_what_was_typed(login_as):
    client = login_as("admin")
    response = post_day(client, "31/02/2026", reason="Lý do đã gõ")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Ngày không hợp lệ; nhập theo dạng dd/mm/yyyy" in html
    assert 'value="31/02/2026"' in html and "Lý do đã gõ" in html

    response = post_day(client, "02/03/2026", reason="  ")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Nêu căn cứ hoặc lý do" in html and 'value="02/03/2026"' in html

    response = post_day(client, "14/02/2026", reason="Nghỉ Tết")  # a Saturday
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Ngày này đã là ngày nghỉ" in html and "Nghỉ Tết" in html
    assert "Lịch làm việc năm 2026" in html  # the year of the typed day

    response = post_day(client, "03/03/2026", kind="working_day", reason="Làm bù")  # a Tuesday
    assert response.status_code == 400 and "Ngày này đã là ngày làm việc" in response.get_data(as_text=True)

    response = post_day(client, "02/03/2026", kind="", reason="Nghỉ")
    assert response.status_code == 400 and "Chọn loại ngày." in response.get_data(as_text=True)

    assert post_day(client, "2/3/2026", reason="Nghỉ").status_code == 302
    response = post_day(client, "02/03/2026", reason="Nghỉ lần hai")
    assert response.status_code == 400 and "Ngày này đã được khai báo" in response.get_data(as_text=True)
    assert db.session.scalars(select(CalendarDay)).all()[0].reason == "Nghỉ"


def test_the_page_speaks_english_to_an_english_reader(login_as):
    client = login_as("admin")
    db.session.scalar(select(User).where(User.email == "admin@example.com")).language = "en"
    db.session.commit()
    html = client.get("/admin/calendar?year=2026").get_data(as_text=True)
    assert "Working calendar 2026" in html and "Lunar New Year" in html and "Tuesday" in html
    html = post_day(client, "31/02/2026", year=2026).get_data(as_text=True)
    assert "Not a valid date; type it as dd/mm/yyyy" in html


def test_a_year_out_of_range_shows_this_year(login_as):
    html = login_as("admin").get("/admin/calendar?year=99999").get_data(as_text=True)
    assert "Lịch làm việc năm 2026" in html


def test_coordinators_cannot_declare_days(login_as):
    client = login_as("coordinator")
    token = csrf_token(client, "/profile")
    response = client.post("/admin/calendar", data={"csrf_token": token, "day": "02/03/2026", "kind": "day_off",
                                                    "reason": "Nghỉ"})
    assert response.status_code == 403
    assert db.session.scalars(select(CalendarDay)).all() == []

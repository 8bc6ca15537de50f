"""Reporting periods: the list, closing, frozen reports, late submissions, the compliance board."""
import io
import re
from datetime import date, datetime, timedelta, timezone

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.client import csrf_token
from tests.factories import officer_commitment
from tracker import clock
from tracker.extensions import db
from tracker.models import Agreement, ProgressUpdate, User
from tracker.queries import compliance
from tracker.queries import reports
from tracker.services import progress
from tracker.status import periods
from tracker.status import spans as status


def agreement():
    return db.session.scalar(select(Agreement).where(Agreement.code == "TN-BG-2023"))


def test_periods_page_lists_windows_and_deadlines_as_dd_mm_yyyy(login_as):
    html = login_as("viewer").get(f"/periods?agreement={agreement().id}").get_data(as_text=True)
    assert "6 tháng đầu năm 2025" in html and "Năm 2025" in html
    assert "15/12/2024 – 14/06/2025" in html  # H1 2025 window
    assert "15/12/2024 – 14/12/2025" in html  # the year 2025
    assert "17/06/2025" in html  # 14/06/2025 is a Saturday: two working days later is Tuesday 17/06



def test_periods_exist_for_the_following_years(app):
    views = periods.periods_of(agreement(), date(2026, 11, 26))
    keys = [v.period.key for v in views]
    assert keys[0] == "2023-H1" and "2026-H1" in keys and "2026-H2" in keys and "2026-Y" in keys
    assert "2027-H1" not in keys


def report_counts(scope_period):
    return reports.build(reports.Scope(agreement(), period_key=scope_period, see_restricted=True), clock.today())


def approve_lead(commitment, as_of, approved_at, state="in_progress", percent=50, admin=None):
    admin = admin or db.session.scalar(select(User).where(User.email == "admin@example.com"))
    lead = next(a for a in commitment.assignments if a.valid_to is None and a.role == "lead")
    update = progress.create(commitment, lead, admin, progress.UpdateData(state, str(percent), as_of),
                             submit=True, form_token=f"p{as_of}{lead.id}{approved_at}", today=clock.today())
    progress.approve(update, admin)
    update.reviewed_at = approved_at
    status.refresh_side(update.commitment_id, update.party_id)
    db.session.commit()
    return update


def test_closing_freezes_the_period_report(app, login_as):
    commitment = officer_commitment()
    a = agreement()
    approve_lead(commitment, date(2025, 6, 10), datetime(2025, 6, 12, 3, tzinfo=timezone.utc))
    client = login_as("coordinator")
    response = client.post(f"/periods/{a.id}/2025-H1/close", data={"csrf_token": csrf_token(client, "/periods")})
    assert response.status_code == 302
    before = report_counts("2025-H1")
    # a later approval, even one dated inside the window, does not change the closed period's report
    approve_lead(commitment, date(2025, 6, 13), clock.start_of_day_utc(clock.today()) + timedelta(hours=9), state="done",
                 percent=100)  # approved this morning
    after = report_counts("2025-H1")
    assert before.summary == after.summary and before.rows == after.rows
    # while a report as of today sees it
    today = reports.build(reports.Scope(a, see_restricted=True), clock.today())
    row_now = next(r for r in today.rows if r.code == commitment.code and r.area_number == commitment.area.number)
    row_then = next(r for r in after.rows if r.code == commitment.code and r.area_number == commitment.area.number)
    assert row_then.percent == 50 and row_now.percent == 100
    assert "Đã khóa" in client.get(f"/periods?agreement={a.id}").get_data(as_text=True)


def test_viewer_and_officer_cannot_close(login_as, app):
    a = agreement()
    for role in ("viewer", "officer"):
        client = app.test_client()
        from tests.client import sign_in
        from tests.factories import ACCOUNTS

        sign_in(client, ACCOUNTS[role].email)
        response = client.post(f"/periods/{a.id}/2025-H1/close", data={"csrf_token": csrf_token(client, "/periods")})
        assert response.status_code == 403
    assert periods.find(a, "2025-H1", clock.today()).closure is None


def test_update_after_its_period_deadline_is_marked_late(app):
    commitment = officer_commitment()
    officer = db.session.scalar(select(User).where(User.email == "canbo@example.com"))
    lead = next(a for a in commitment.assignments if a.valid_to is None and a.role == "lead"
                and a.agency.code == "TN-STC")
    old = progress.create(commitment, lead, officer, progress.UpdateData("in_progress", "30", date(2025, 5, 1)),
                          submit=True, form_token="late-one", today=clock.today())
    assert old.late  # the 2025-H1 deadline (17/06/2025) has long passed
    fresh = progress.create(commitment, lead, officer, progress.UpdateData("in_progress", "35", clock.today()),
                            submit=True, form_token="on-time-one", today=clock.today())
    assert not fresh.late


def test_compliance_board_matches_a_hand_count(app, login_as):
    a = agreement()
    period = periods.find(a, "2025-H1", clock.today()).period
    rows = compliance.obligations(a.id, period)
    # every commitment's lead of each province owes a report, except those not started by design
    owed = {(r.agency_id, r.commitment_id) for r in rows}
    commitments = [c for area in a.areas for c in area.commitments
                   if c.start_date is None or c.start_date <= period.end]
    assert len(owed) == 2 * len(commitments)
    assert all(r.status == "missing" for r in rows)
    # one on-time report (submitted within the window's deadline) and one late
    commitment = officer_commitment()
    officer = db.session.scalar(select(User).where(User.email == "canbo@example.com"))
    lead = next(x for x in commitment.assignments if x.valid_to is None and x.role == "lead"
                and x.agency.code == "TN-STC")
    # the 2025-H1 lead in force on 14/06/2025 was the pre-merger agency: use its assignment
    lead_then = next(x for x in commitment.assignments if x.role == "lead" and x.party_id == lead.party_id
                     and x.valid_from <= period.end and (x.valid_to is None or x.valid_to >= period.end))
    u = ProgressUpdate(commitment=commitment, party_id=lead_then.party_id, agency_id=lead_then.agency_id, role="lead",
                       author=officer, status="submitted", state="in_progress", percent=20, as_of=date(2025, 6, 1),
                       form_token="board-1", submitted_at=datetime(2025, 6, 16, 2, tzinfo=timezone.utc))
    db.session.add(u)
    db.session.commit()
    statuses = {(r.agency_id, r.commitment_id): r.status for r in compliance.obligations(a.id, period)}
    assert statuses[(lead_then.agency_id, commitment.id)] == "on_time"
    u.submitted_at = datetime(2025, 6, 20, 2, tzinfo=timezone.utc)
    db.session.commit()
    statuses = {(r.agency_id, r.commitment_id): r.status for r in compliance.obligations(a.id, period)}
    assert statuses[(lead_then.agency_id, commitment.id)] == "late"
    agencies = compliance.by_agency(compliance.obligations(a.id, period))
    line = next(x for x in agencies if x.agency_id == lead_then.agency_id)
    assert line.late == 1 and line.owed == line.on_time + line.late + line.missing
    client = login_as("viewer")
    html = client.get(f"/compliance?agreement={a.id}&period=2025-H1").get_data(as_text=True)
    assert "Tình hình nộp báo cáo" in html and line.agency_name in html
    xlsx = client.get(f"/compliance.xlsx?agreement={a.id}&period=2025-H1")
    book = load_workbook(io.BytesIO(xlsx.data), read_only=True)
    sheet_rows = list(book["Theo cơ quan"].iter_rows(values_only=True))
    assert any(r[0] == line.agency_name and r[3] == 1 for r in sheet_rows)
    book.close()


AREA_SELECT = re.compile(r'<select[^>]*name="area"[^>]*>(.*?)</select>', re.S)


@pytest.mark.parametrize("role, sees", [("viewer", False), ("cleared_viewer", True), ("admin", True)])
def test_the_compliance_field_filter_lists_restricted_fields_only_to_who_may_see_them(login_as, role, sees):
    a = agreement()
    page = login_as(role).get(f"/compliance?agreement={a.id}").get_data(as_text=True)
    listed = {int(v) for v in re.findall(r'<option value="(\d+)"', AREA_SELECT.search(page).group(1))}
    open_areas = {area.id for area in a.areas if not area.restricted}
    assert open_areas and len(open_areas) < len(a.areas)  # the memorandum has both kinds
    assert listed == ({area.id for area in a.areas} if sees else open_areas)


def test_agency_page_shows_its_reporting_history(app, login_as):
    commitment = officer_commitment()
    a = agreement()
    period = periods.find(a, "2025-H1", clock.today()).period
    lead_then = next(x for x in commitment.assignments if x.role == "lead" and x.agency.province.code == "TN97"
                     and x.valid_from <= period.end and (x.valid_to is None or x.valid_to >= period.end))
    officer = db.session.scalar(select(User).where(User.email == "canbo@example.com"))
    db.session.add(ProgressUpdate(
        commitment=commitment, party_id=lead_then.party_id, agency_id=lead_then.agency_id, role="lead",
        author=officer, status="submitted", state="in_progress", percent=20, as_of=date(2025, 6, 1),
        form_token="history-1", submitted_at=datetime(2025, 6, 16, 2, tzinfo=timezone.utc)))
    db.session.commit()
    owed = len([r for r in compliance.obligations(a.id, period) if r.agency_id == lead_then.agency_id])
    html = login_as("viewer").get(f"/agencies/{lead_then.agency_id}").get_data(as_text=True)
    assert "Lịch sử nộp báo cáo theo kỳ" in html
    row = re.search(r"6 tháng đầu năm 2025.*?</tr>", html, re.S).group(0)
    cells = re.findall(r'<td class="text-end">(?:<strong[^>]*>)?(\d+)', row)
    assert cells[:3] == [str(owed), "1", "0"]  # owed, on time, late


def test_an_agreement_without_a_stored_schedule_is_read_with_the_default_and_nothing_is_written(app, login_as):
    """Reading periods writes no schedule: the Decree 09 default applies until one is stored."""
    from tracker.models import ReportingSchedule

    stored = [v.period for v in periods.periods_of(agreement(), date(2026, 11, 26))]
    db.session.execute(ReportingSchedule.__table__.delete().where(ReportingSchedule.agreement_id == agreement().id))
    db.session.commit()
    html = login_as("viewer").get(f"/periods?agreement={agreement().id}").get_data(as_text=True)
    assert "6 tháng đầu năm 2025" in html and "17/06/2025" in html
    assert [v.period for v in periods.periods_of(agreement(), date(2026, 11, 26))] == stored  # the seed stored the default
    assert db.session.scalar(select(ReportingSchedule).where(ReportingSchedule.agreement_id == agreement().id)) is None

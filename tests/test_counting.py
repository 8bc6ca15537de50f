"""Counting, exactly (domain.md §4) through the engine's surfaces: sides, deadlines in force,
open-and-past-due, restricted counts, compliance, and in-window report counts."""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from tests.client import csrf_token
from tests.views.test_dashboard import listed
from tracker import clock
from tracker.domain.dashboard import Filters
from tracker.extensions import db
from tracker.models import Agreement, Assignment, Commitment, CooperationArea, DeadlineExtension, User
from tracker.queries import compliance, dashboard
from tracker.queries import reports as report_queries
from tracker.status import periods as period_service
from tracker.services import progress
from tracker.status import spans

TODAY = date(2026, 11, 26)


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)


def admin() -> User:
    return db.session.scalar(select(User).where(User.email == "admin@example.com"))


def approve_side(commitment, party_id, state, percent, as_of, at):
    """One side's lead reports and is approved at ``at``."""
    lead = next(a for a in commitment.assignments if a.party_id == party_id and a.role == "lead" and a.valid_to is None)
    update = progress.create(commitment, lead, admin(), progress.UpdateData(state, str(percent), as_of),
                             submit=True, form_token=f"s{lead.id}-{as_of}-{state}", today=as_of + timedelta(days=30))
    progress.approve(update, admin())
    update.reviewed_at = at
    spans.refresh_side(commitment.id, party_id)
    db.session.commit()
    return update


def seeded() -> Agreement:
    return db.session.scalar(select(Agreement).where(Agreement.code == "TN-BG-2023"))


def by_code(code: str) -> Commitment:
    return db.session.scalar(select(Commitment).join(CooperationArea)
                             .where(CooperationArea.agreement_id == seeded().id, Commitment.code == code))


def categories_of(commitment_id: int, as_of: date) -> str:
    from tracker.status import sql

    return db.session.execute(sql.commitments(as_of).where(Commitment.id == commitment_id)).one().category


def test_a_commitment_led_by_one_province_is_done_when_that_province_reports_it_done(app):
    agreement = seeded()
    c = by_code("3.1")
    first, second = agreement.parties
    for a in [a for a in c.assignments if a.party_id == second.id]:
        db.session.delete(a)  # only Thái Nguyên leads it
    db.session.commit()
    approve_side(c, first.id, "done", 100, c.due_date - timedelta(days=5), datetime(2024, 1, 3, tzinfo=timezone.utc))
    assert categories_of(c.id, TODAY) == "done_on_time"
    d = dashboard.build(Filters(agreement=agreement.id), TODAY, see_restricted=True)
    assert d.sides["TN"]["total"] == d.total == 29 and d.sides["BN"]["total"] == 28
    assert d.sides["TN"]["categories"]["done_on_time"] == 1 and d.categories["done_on_time"] == 1
    # Bắc Ninh's coordinator sees no side of it: the province's figures count 28 sides
    bn = dashboard.build(Filters(agreement=agreement.id, province=d.sides["BN"]["province"]), TODAY, True)
    assert bn.unit == "sides" and bn.total == 28 and bn.categories["done_on_time"] == 0
    assert {p.total for p in bn.over_time} == {28}  # the trend counts the province's sides too
    assert {p.total for p in d.over_time} == {29}
    tn = dashboard.build(Filters(agreement=agreement.id, province=d.sides["TN"]["province"]), TODAY, True)
    assert tn.total == 29 and tn.categories["done_on_time"] == 1
    assert sum(a.due for a in bn.agencies) == bn.total - bn.categories["done_on_time"] - bn.categories["done_late"]


def test_the_list_filtered_by_province_holds_that_provinces_sides(app, login_as):
    agreement = seeded()
    c = by_code("3.1")
    second = agreement.parties[1]
    for a in [a for a in c.assignments if a.party_id == second.id and a.role == "lead"]:
        db.session.delete(a)  # Bắc Ninh only co-operates on it now
    db.session.commit()
    client = login_as("cleared_viewer")
    body = client.get(f"/dashboard.json?agreement={agreement.id}&province={second.province_id}").get_json()
    total, ids = listed(client, f"/commitments?agreement={agreement.id}&province={second.province_id}")
    assert total == body["total"] == 28 and str(c.id) not in ids


def test_bilateral_commitment_one_side_done_is_not_done_and_shows_each_side(app, login_as):
    agreement = seeded()
    c = by_code("3.1")
    first = agreement.parties[0]
    approve_side(c, first.id, "done", 100, c.due_date - timedelta(days=1), datetime(2024, 1, 3, tzinfo=timezone.utc))
    past_due = c.due_date < TODAY
    assert categories_of(c.id, TODAY) == ("in_progress_overdue" if past_due else "in_progress_on_time")
    d = dashboard.build(Filters(agreement=agreement.id), TODAY, see_restricted=True)
    field_rows = [r for r in d.by_field if r.area_id == c.area_id]
    assert sum(r.counts["done_on_time"] for r in field_rows) == 1  # the chart counts Thái Nguyên's side
    assert d.categories["done_on_time"] + d.categories["done_late"] == 0  # the cards count commitments
    client = login_as("cleared_viewer")
    page = client.get(f"/commitments/{c.id}").get_data(as_text=True)
    assert "Thái Nguyên: hoàn thành 100 %" in page and "Bắc Ninh: chưa có báo cáo" in page
    assert "Chưa hoàn thành vì Bắc Ninh chưa báo cáo hoàn thành" in page
    report = report_queries.build(report_queries.Scope(agreement, as_of=TODAY, see_restricted=True), TODAY)
    row = next(r for r in report.rows if r.code == "3.1")
    assert [s.text for s in row.sides] == ["Thái Nguyên: hoàn thành 100 %", "Bắc Ninh: chưa có báo cáo"]
    assert "Chưa hoàn thành vì Bắc Ninh chưa báo cáo hoàn thành" in row.notes


def test_overdue_headline_counts_unreported_past_due_commitments_and_drills_down(app, login_as):
    agreement = seeded()
    d = dashboard.build(Filters(agreement=agreement.id), TODAY, see_restricted=True)
    past_due = [c for area in agreement.areas for c in area.commitments
                if not c.recurring and c.due_date and c.due_date < TODAY]
    assert past_due, "the seeded plan has deadlines in 2023-2025"
    assert d.deadlines["open_past_due"] == len(past_due)  # nobody reported: all open and past due
    assert d.deadlines["without_report"] == len(past_due)
    assert d.overdue == 0  # the older figure (in progress overdue + done late) keeps its meaning
    client = login_as("cleared_viewer")
    body = client.get(f"/dashboard.json?agreement={agreement.id}").get_json()
    assert body["deadlines"] == {"open_past_due": len(past_due), "without_report": len(past_due), "done_late": 0}
    total, ids = listed(client, f"/commitments?agreement={agreement.id}&overdue=1")
    assert total == len(past_due) and ids == {str(c.id) for c in past_due}
    assert sum(s["total"] for s in body["sides"].values()) == 2 * body["total"]
    assert set(body["sides"]) == {"TN", "BN"}  # today's province codes


def test_past_reports_use_the_deadline_in_force_then(app):
    agreement = seeded()
    c = by_code("3.1")
    due = c.due_date
    ext = progress.extend_deadline(c, admin(), date(2027, 12, 31), "Chờ vốn Trung ương", today=TODAY)
    db.session.commit()
    assert ext.effective_on == TODAY
    before, after = TODAY - timedelta(days=1), TODAY
    assert categories_of(c.id, before) == ("no_report")
    d_before = dashboard.build(Filters(agreement=agreement.id, as_of=before), TODAY, see_restricted=True)
    d_after = dashboard.build(Filters(agreement=agreement.id, as_of=after), TODAY, see_restricted=True)
    assert d_before.deadlines["open_past_due"] == d_after.deadlines["open_past_due"] + 1
    old = report_queries.build(report_queries.Scope(agreement, as_of=before, see_restricted=True), TODAY)
    new = report_queries.build(report_queries.Scope(agreement, as_of=after, see_restricted=True), TODAY)
    assert next(r for r in old.rows if r.code == "3.1").due_date == due
    assert next(r for r in new.rows if r.code == "3.1").due_date == date(2027, 12, 31)
    # a side reporting in progress: overdue by the old deadline, on time by the new one
    approve_side(c, agreement.parties[0].id, "in_progress", 50, before - timedelta(days=3),
                 datetime(2026, 11, 1, tzinfo=timezone.utc))
    assert categories_of(c.id, before) == "in_progress_overdue"
    assert categories_of(c.id, after) == "in_progress_on_time"


def test_an_extension_recorded_after_completion_does_not_make_it_on_time(app):
    agreement = seeded()
    c = by_code("3.1")
    due = c.due_date
    done_on = due + timedelta(days=10)
    for party in agreement.parties:
        approve_side(c, party.id, "done", 100, done_on, datetime.combine(done_on, datetime.min.time(), timezone.utc))
    progress.extend_deadline(c, admin(), due + timedelta(days=60), "Điều chỉnh", today=TODAY)
    db.session.commit()
    assert categories_of(c.id, TODAY) == "done_late"  # judged by the deadline in force when it was done


def test_backdating_an_extension_is_for_admins_and_never_into_the_future(app, login_as):
    c = by_code("3.1")
    client = login_as("admin")
    path = f"/commitments/{c.id}/deadline"
    token = csrf_token(client, path)
    html = client.post(path, data={"csrf_token": token, "new_due_date": "2027-06-30", "reason": "Nghị quyết HĐND",
                                   "effective_on": (TODAY + timedelta(days=2)).isoformat()}).get_data(as_text=True)
    assert "Ngày có hiệu lực không được sau ngày hôm nay." in html and "Nghị quyết HĐND" in html
    assert client.post(path, data={"csrf_token": token, "new_due_date": "2027-06-30", "reason": "Nghị quyết HĐND",
                                   "effective_on": "2026-01-15"}).status_code == 302
    ext = db.session.scalar(select(DeadlineExtension).where(DeadlineExtension.commitment_id == c.id))
    assert ext.effective_on == date(2026, 1, 15)
    assert categories_of(c.id, date(2026, 1, 14)) == "no_report"
    from tracker.status import sql

    due_then = db.session.execute(select(sql.due_on(date(2026, 1, 14))).select_from(Commitment)
                                  .where(Commitment.id == c.id)).scalar_one()
    assert due_then == ext.old_due_date


def test_coordinators_extensions_take_effect_the_day_they_are_recorded(app, login_as):
    c = by_code("3.1")
    client = login_as("coordinator")
    path = f"/commitments/{c.id}/deadline"
    token = csrf_token(client, path)
    response = client.post(path, data={"csrf_token": token, "new_due_date": "2027-06-30", "reason": "Chờ vốn",
                                       "effective_on": "2026-01-15"})
    assert response.status_code == 302
    ext = db.session.scalar(select(DeadlineExtension).where(DeadlineExtension.commitment_id == c.id))
    assert ext.effective_on == TODAY  # the backdate is an admin's decision


def test_restricted_count_does_not_move_with_search_or_filters(app, login_as):
    agreement = seeded()
    client = login_as("viewer")

    def note(path):
        html = client.get(path).get_data(as_text=True)
        import re

        found = re.search(r"(\d+) nhiệm vụ thuộc lĩnh vực hạn chế", html)
        return int(found.group(1)) if found else 0

    counts = {note(f"/commitments?agreement={agreement.id}&q={q}") for q in ("quân sự", "zzzz", "", "Đảng")}
    counts |= {note(f"/commitments?agreement={agreement.id}&category={c}") for c in ("no_report", "done_late")}
    agency = db.session.scalar(select(Assignment.agency_id).join(Commitment).join(CooperationArea)
                               .where(CooperationArea.restricted.is_(True), Assignment.valid_to.is_(None)))
    counts.add(note(f"/commitments?agreement={agreement.id}&agency={agency}"))
    assert counts == {6}
    json_counts = {client.get(f"/dashboard.json?agreement={agreement.id}{extra}").get_json()["hidden_restricted"]
                   for extra in ("", f"&agency={agency}", "&province=" + str(agreement.parties[0].province_id))}
    assert json_counts == {6}


def test_agency_filter_answers_on_the_dashboard_and_its_json(app, login_as):
    agreement = seeded()
    agency = db.session.scalar(select(Assignment.agency_id).where(Assignment.valid_to.is_(None),
                                                                  Assignment.role == "lead"))
    client = login_as("admin")
    assert client.get(f"/?agreement={agreement.id}&agency={agency}").status_code == 200
    body = client.get(f"/dashboard.json?agreement={agreement.id}&agency={agency}").get_json()
    assert body["total"] > 0 and sum(body["categories"].values()) == body["total"]


def test_compliance_card_is_the_compliance_pages_figure_for_the_last_period_past_its_deadline(app, login_as):
    agreement = seeded()
    from tests.factories import make_update, officer_commitment

    c = officer_commitment()
    make_update(app, c, as_of=date(2026, 6, 10))  # dated in 2026-H1, submitted "today" (late)
    client = login_as("cleared_viewer")
    body = client.get(f"/dashboard.json?agreement={agreement.id}").get_json()
    card = body["compliance"]
    assert card["period"] == "2026-H1"  # 2026-H2's deadline (December) has not passed on 26/11/2026
    period = next(v.period for v in period_service.periods_of(agreement, TODAY) if v.period.key == "2026-H1")
    rows = compliance.obligations(agreement.id, period, see_restricted=True)
    assert card["due"] == len(rows) > 0
    assert card["on_time"] == sum(r.status == "on_time" for r in rows)
    assert card["late"] == sum(r.status == "late" for r in rows) == 1
    assert body["compliance_due"] == card["due"] and body["compliance_submitted"] == card["on_time"] + card["late"]
    page = client.get(f"/compliance?agreement={agreement.id}&period=2026-H1").get_data(as_text=True)
    assert page.count("Muộn") >= 1 or "muộn" in page.lower()
    dash = client.get(f"/?agreement={agreement.id}").get_data(as_text=True)
    assert f"/compliance?agreement={agreement.id}&amp;period=2026-H1" in dash


def test_report_counts_only_changes_dated_in_its_window(app):
    agreement = seeded()
    now = report_queries.build(report_queries.Scope(agreement, as_of=TODAY, see_restricted=True), TODAY)
    assert [c for c in now.changes if c.kind == "reassignment"] == []  # the 2025 mergers are outside 2026-H2
    h1 = report_queries.build(report_queries.Scope(agreement, period_key="2025-H1", see_restricted=True), TODAY)
    moved = [c for c in h1.changes if c.kind == "reassignment"]
    assert moved and all(date(2024, 12, 15) <= c.at.astimezone(clock.VIETNAM).date() - timedelta(days=1)
                         <= date(2025, 6, 14) for c in moved)

"""The kept standings give exactly the live dashboard's figures, on random histories.

``queries.dashboard_kept`` reads tables that writes and new days keep up to date
(``status.standings``); ``queries.dashboard.build`` recomputes from the spans. Hypothesis
builds random histories (``test_one_truth.histories``), then moves the clock on over days
where facts change (due dates, risk thresholds, extensions, assignments) and makes changes
that name their commitment (an approval), comparing both paths after each step.
"""
from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.test_one_truth import COMMON, LAST, STATES, build, examples, histories
from tracker import clock, jobs
from tracker.domain.dashboard import Filters, to_plain
from tracker.extensions import db
from tracker.models import Assignment, Commitment, CooperationArea, ProgressUpdate, Standing, StandingState, User
from tracker.queries import dashboard, dashboard_kept
from tracker.status import spans as status_spans
from tracker.status import standings, standings_build


def same(f: Filters, today, cleared: bool) -> None:
    kept = dashboard_kept.build(f, today, cleared)
    assert kept is not None, "the standings should serve these filters"
    assert to_plain(kept) == to_plain(dashboard.build(f, today, cleared))


def check_all(world, today) -> None:
    for cleared in (True, False):
        same(Filters(), today, cleared)
        same(Filters(agreement=world.agreement), today, cleared)
        for area in world.areas:
            same(Filters(agreement=world.agreement, area=area), today, cleared)


def approve(commitment_id: int, state: str, percent: int, day) -> None:
    """A new lead update approved today, through the spans' refresh (which names the commitment)."""
    lead = db.session.scalar(select(Assignment).where(Assignment.commitment_id == commitment_id,
                                                      Assignment.role == "lead").order_by(Assignment.id.desc()))
    if lead is None:
        return
    admin = db.session.scalar(select(User).where(User.email == "admin@example.com"))
    moment = datetime.combine(day, time(3), tzinfo=timezone.utc)
    db.session.add(ProgressUpdate(commitment_id=commitment_id, party_id=lead.party_id, agency_id=lead.agency_id,
                                  role="lead", author_id=admin.id, status="approved", state=state,
                                  percent=100 if state == "done" else percent, as_of=day, form_token=uuid.uuid4().hex,
                                  submitted_at=moment, reviewed_at=moment, reviewer_id=admin.id,
                                  reason="Lý do" if state in ("paused", "dropped") else None))
    status_spans.refresh_side(commitment_id, lead.party_id)
    db.session.commit()


@settings(max_examples=examples(6, quick=2), **COMMON)
@given(data=st.data())
def test_kept_standings_equal_the_live_figures_day_after_day(app, data):
    admin = db.session.scalar(select(User).where(User.email == "admin@example.com"))
    world = build(data.draw(histories(), label="history"), admin)
    first = data.draw(st.dates(LAST - timedelta(days=400), LAST), label="first day")
    facts = sorted({d + timedelta(days=k) for c in world.commitments
                    for d in [c.due_date, c.original_due_date, *(e.effective_on for e in c.exts),
                              *(a.valid_from for a in c.assignments), *(a.valid_to for a in c.assignments)]
                    if d is not None and d >= first for k in (0, 1)})
    steps = data.draw(st.lists(st.one_of(st.integers(1, 60), st.sampled_from(facts or [first])), min_size=1,
                               max_size=4), label="steps")
    with pytest.MonkeyPatch.context() as mp:
        today = first
        mp.setattr(clock, "today", lambda: today)
        check_all(world, today)
        for step in steps:
            later = today + timedelta(days=step) if isinstance(step, int) else max(step, today + timedelta(days=1))
            today = later
            check_all(world, today)  # a new day: only the rows whose facts changed are refreshed
            assert db.session.scalar(select(StandingState.day)) == today
            touched = data.draw(st.sampled_from(world.commitments), label="approved")
            approve(touched.id, data.draw(st.sampled_from(STATES), label="state"),
                    data.draw(st.integers(0, 100), label="percent"), today)
            check_all(world, today)  # a change that named its commitment: only its rows
            assert db.session.scalar(select(StandingState.day)) == today


def _plan_edit(commitment_id: int, day) -> None:
    """A change that names no commitment (as the plan's edits, the calendar, imports do)."""
    from tracker.status.cache import invalidate

    commitment = db.session.get(Commitment, commitment_id)
    commitment.due_date = day
    invalidate()
    db.session.commit()


def test_a_change_naming_no_commitment_is_shown_live_and_rebuilt_in_the_background(app, monkeypatch):
    today = clock.today()
    assert dashboard_kept.build(Filters(), today, True) is not None  # outside a request the rebuild runs at once
    before = to_plain(dashboard.build(Filters(), today, True))
    queued = []
    monkeypatch.setattr(jobs, "enqueue_long", lambda target, *args: queued.append(target))
    monkeypatch.setattr(standings_build, "INLINE", 0)  # as at national scale: a rebuild is the queue's
    open_one, late = db.session.execute(select(Commitment.id, Standing.open_past_due).join(
        Standing, Standing.commitment_id == Commitment.id).where(
        Standing.kind == "c", Standing.category.not_in(("done_on_time", "done_late")),
        Commitment.due_date.is_not(None)).order_by(Commitment.id)).first()
    _plan_edit(open_one, today + timedelta(days=200) if late else today - timedelta(days=3))  # late or not any more
    live = to_plain(dashboard.build(Filters(), today, True))
    assert live != before
    assert dashboard_kept.build(Filters(), today, True) is None  # no rebuild on the request
    assert to_plain(dashboard._kept_or_live(Filters(), today, True)) == live  # the edit shows at once
    assert queued and set(queued) == {"tracker.status.standings_build:run"}  # each live view until it is claimed
    assert db.session.scalar(select(StandingState.day).where(StandingState.id == 1)) is None
    standings_build.run()
    kept = dashboard_kept.build(Filters(), today, True)
    assert kept is not None and to_plain(kept) == live


@pytest.mark.parametrize("named", [True, False])
def test_a_write_during_the_rebuild_leaves_the_figures_right(app, monkeypatch, named):
    today = clock.today()
    monkeypatch.setattr(jobs, "enqueue_long", lambda target, *args: None)
    monkeypatch.setattr(standings_build, "CHUNK", 2)
    monkeypatch.setattr(standings_build, "INLINE", 0)
    first = db.session.scalar(select(Commitment.id).join(CooperationArea).where(Commitment.due_date.is_not(None)).order_by(
        CooperationArea.agreement_id, Commitment.id))
    _plan_edit(first, today + timedelta(days=30))
    real_refresh, calls = standings.refresh, []

    def refresh_then_write(session, *args, **kwargs):
        real_refresh(session, *args, **kwargs)
        calls.append(1)
        if len(calls) == 2:  # the first chunk is in: change one of its commitments in another transaction
            session.commit()
            if named:
                approve(first, "done", 100, today)
            else:
                _plan_edit(first, today - timedelta(days=2))

    monkeypatch.setattr(standings, "refresh", refresh_then_write)
    standings_build.run()
    monkeypatch.setattr(standings, "refresh", real_refresh)
    kept = dashboard_kept.build(Filters(), today, True)
    assert kept is not None
    assert to_plain(kept) == to_plain(dashboard.build(Filters(), today, True))
    assert db.session.scalar(select(StandingState.id).where(StandingState.id == standings.BUILD)) is None


def test_one_rebuild_at_a_time(app, monkeypatch):
    today = clock.today()
    monkeypatch.setattr(standings_build, "INLINE", 0)
    _plan_edit(db.session.scalar(select(Commitment.id).where(Commitment.due_date.is_not(None))), today)
    assert standings_build._claim(db.session, today) is not None  # another process is at it
    standings_build.run()  # finds the claim alive: does nothing
    assert db.session.scalar(select(StandingState.day).where(StandingState.id == 1)) is None
    assert dashboard_kept.build(Filters(), today, True) is None  # nor is a view served from a part-built table
    monkeypatch.setattr(standings_build, "STALE_SECONDS", -1)  # its heartbeat stopped: taken over
    standings_build.run()
    kept = dashboard_kept.build(Filters(), today, True)
    assert kept is not None and to_plain(kept) == to_plain(dashboard.build(Filters(), today, True))


def test_an_agreements_period_moves_only_on_the_day_told(app):
    """``periods.last_due_and_next``: the last due period stays the same every day before the day
    it names (a new day before it reads no schedule), a day that is mostly not simply the next."""
    from datetime import date

    from tracker.models import Agreement, ReportingSchedule
    from tracker.status.calendar import calendar
    from tracker.status.periods import last_due_and_next, last_due_period

    days = calendar()
    start = date(2024, 3, 10)
    agreement = Agreement(id=1, period_start=start)
    span = [start - timedelta(days=40) + timedelta(days=k) for k in range(700)]
    for schedule in (None,
                     ReportingSchedule(agreement_id=1, frequencies=["monthly", "nine_months"],
                                       deadline_kind="day_of_month", deadline_value=20),
                     ReportingSchedule(agreement_id=1, frequencies=["quarterly", "annual"],
                                       deadline_kind="working_days_after", deadline_value=10)):
        last = {d: last_due_period(agreement, schedule, d, days) for d in span}
        later = 0
        for d in span:
            period, following = last_due_and_next(agreement, schedule, d, days)
            assert period == last[d] and following > d
            assert all(last[d + timedelta(days=k)] == period for k in range(1, (following - d).days)
                       if d + timedelta(days=k) in last), (schedule, d, following)
            later += following > d + timedelta(days=1)
        assert later > len(span) * 0.8


def test_the_hourly_job_brings_the_standings_to_a_new_day(app, monkeypatch):
    """The schedule's run after Vietnam's midnight refreshes the new day's rows, so the first
    dashboard of the day finds them ready: it reads them, and writes nothing."""
    from sqlalchemy import event

    from tracker import schedule

    today = clock.today()
    assert dashboard_kept.build(Filters(), today, True) is not None
    tomorrow = today + timedelta(days=1)
    monkeypatch.setattr(clock, "today", lambda: tomorrow)
    with app.app_context():  # as the worker runs its jobs
        schedule.run_reminders(tomorrow.isoformat())
    assert db.session.scalar(select(StandingState.day).where(StandingState.id == 1)) == tomorrow
    writes = []
    listener = lambda *a: writes.append(a[2]) if a[2].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) else None  # noqa: E731
    engine = db.session.get_bind()
    event.listen(engine, "before_cursor_execute", listener)
    try:
        same(Filters(), tomorrow, True)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert writes == []


def test_a_view_that_waited_for_another_processes_new_day_finds_it_done(app, monkeypatch):
    """Two processes see a new day at once: one refreshes, the other waits for its write lock
    and then finds the day held (its guarded UPDATE matches no row): it serves the kept rows
    and refreshes, rebuilds or queues nothing."""
    from sqlalchemy import event

    from tracker import tasks

    today = clock.today()
    assert dashboard_kept.build(Filters(), today, True) is not None
    tomorrow = today + timedelta(days=1)
    monkeypatch.setattr(clock, "today", lambda: tomorrow)
    with app.app_context():  # the other process's refresh, committed while this one waited
        tasks.keep_standings(tomorrow)
    held = db.session.scalar(select(StandingState.cutoffs).where(StandingState.id == 1))
    queued = []
    monkeypatch.setattr(jobs, "enqueue_long", lambda *a, **k: queued.append(a))
    writes = []
    listener = lambda *a: writes.append(a[2]) if a[2].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) else None  # noqa: E731
    engine = db.session.get_bind()
    event.listen(engine, "before_cursor_execute", listener)
    try:
        cutoffs, _value = standings._new_day(db.session, tomorrow, None)  # as after the wait
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert cutoffs == standings._parse(held)
    assert len(writes) == 1 and writes[0].lstrip().upper().startswith("UPDATE")  # the lock, matching nothing
    assert queued == []
    assert db.session.scalar(select(StandingState.day).where(StandingState.id == 1)) == tomorrow
    same(Filters(), tomorrow, True)


def test_register_and_agreement_edits_refresh_only_what_they_change(app, monkeypatch):
    """A new province, a new agency replacing one, an agreement's new title: no standing changes,
    so nothing is rebuilt (the day held stays, no job is queued); a new risk margin refreshes the
    agreement's own commitments in the write. The kept figures equal the live ones after each."""
    from tests.factories import agreement as seeded, approve as approve_all, officer_commitment
    from tracker.models import Agency, Province
    from tracker.services import plan_edit
    from tracker.status.cache import invalidate

    today = clock.today()
    commitment = officer_commitment()  # a side lagging its time by 12 points: at risk below a 12-point margin
    commitment.start_date, commitment.due_date = today - timedelta(days=200), today + timedelta(days=100)
    commitment.recurring, commitment.original_due_date = False, None
    invalidate(commitments=[commitment.id])
    db.session.commit()
    approve_all(commitment, percent=55)
    assert dashboard_kept.build(Filters(), today, True) is not None
    queued = []
    monkeypatch.setattr(jobs, "enqueue_long", lambda *a, **k: queued.append(a))
    admin = db.session.scalar(select(User).where(User.email == "admin@example.com"))
    agreement = seeded()
    parties = [(p.province, p.signatory_name, p.signatory_title) for p in agreement.parties]
    tn = db.session.scalar(select(Province).where(Province.code == "TN"))
    old = db.session.scalar(select(Agency).where(Agency.code == "TN-SNV"))

    def held_and_same():
        assert db.session.scalar(select(StandingState.day).where(StandingState.id == 1)) == today
        for f in (Filters(), Filters(agreement=agreement.id)):
            same(f, today, True)

    for edit in (
        lambda: plan_edit.create_province({"code": "XT", "name": "Tỉnh thử", "valid_from": today}, None, admin),
        lambda: plan_edit.create_agency({"code": "TN-SNV2", "name": "Sở Nội vụ (mới)", "kind": "department",
                                         "valid_from": today + timedelta(days=30)}, tn, old, "rename", admin),
        lambda: plan_edit.save_agreement(agreement, {"code": agreement.code, "title": agreement.title + " (sửa)"},
                                         parties, admin),
    ):
        edit()
        db.session.commit()
        held_and_same()
    before = dashboard.build(Filters(), today, True).at_risk
    plan_edit.save_agreement(agreement, {"code": agreement.code, "risk_margin": 5}, parties, admin)
    db.session.commit()
    held_and_same()
    assert dashboard_kept.build(Filters(), today, True).at_risk > before
    assert queued == []


@pytest.mark.parametrize("how", ["merge", "split", "close a period"])
def test_reorganisations_and_closings_refresh_only_what_they_change(app, monkeypatch, how):
    """An agency merged into another (its open leads, and a report in review, move) or split
    (some leads move) names the commitments it touched: their rows are refreshed in the write,
    nothing is rebuilt. Closing a period changes no standing of today (its reports print the
    snapshot). The kept figures equal the live ones after each."""
    from tests.factories import agreement as seeded, make_update, officer_commitment
    from tracker.models import Agency
    from tracker.services import periods, reorganise
    from tracker.status import periods as status_periods

    today = clock.today()
    make_update(app, officer_commitment())  # submitted, in review: moves with its agency
    assert dashboard_kept.build(Filters(), today, True) is not None
    queued = []
    monkeypatch.setattr(jobs, "enqueue_long", lambda *a, **k: queued.append(a))
    stc, sxd = (db.session.scalar(select(Agency).where(Agency.code == code)) for code in ("TN-STC", "TN-SXD"))
    before = to_plain(dashboard.build(Filters(), today, True))
    if how == "merge":
        reorganise.apply(reorganise.plan(["TN-STC"], "TN-SXD", today, today), None)
    elif how == "split":
        moving = reorganise.open_assignments(stc)[::2]
        assert reorganise.split(stc, {a.id: sxd for a in moving}, today, today, None) == len(moving) > 0
    else:
        view = next(v for v in status_periods.periods_of(seeded(), today) if v.closure is None)
        periods.close(seeded(), view, None, today)
    db.session.commit()
    assert db.session.scalar(select(StandingState.day).where(StandingState.id == 1)) == today  # nothing voided
    for f in (Filters(), Filters(agreement=seeded().id)):
        same(f, today, True)
    assert (to_plain(dashboard.build(Filters(), today, True)) != before) is (how != "close a period")
    assert queued == []


def test_a_plan_import_refreshes_its_agreements_commitments_in_the_write(app, monkeypatch, tmp_path):
    """A plan file (a title, a lead and a deadline changed, a commitment added) refreshes the
    agreement's commitments as it is applied: nothing is rebuilt, and the kept figures equal the
    live ones at once."""
    from tests.factories import agreement as seeded
    from tracker.exports import plan_sheet
    from tracker.queries import plan as plan_queries
    from tracker.services import plan_import

    today = clock.today()
    assert dashboard_kept.build(Filters(), today, True) is not None
    queued = []
    monkeypatch.setattr(jobs, "enqueue_long", lambda *a, **k: queued.append(a))
    agreement = seeded()
    columns, rows = plan_queries.export_rows(agreement, today)
    rows[0]["title"] = rows[0]["title"] + " (sửa)"
    rows[1]["lead TN"] = "TN-SXD"
    rows[2]["due"] = (today - timedelta(days=3)).strftime("%d/%m/%Y")
    rows.append({**rows[3], "code": "9.99", "title": "Nhiệm vụ mới từ tệp"})
    path = tmp_path / "plan.xlsx"
    with open(path, "wb") as out:
        plan_sheet.write_xlsx(columns, rows, out)
    keys, read = plan_sheet.read("plan.xlsx", path.read_bytes())
    ctx, result = plan_queries.check_file(agreement, keys, read, today, None)
    assert result.ok, [(r.row, [p.code for p in r.problems]) for r in result.rows if r.problems]
    before = to_plain(dashboard.build(Filters(), today, True))
    summary = plan_import.apply(agreement, result, ctx, None)
    db.session.commit()
    assert summary.created == 1 and summary.updated == 3
    assert db.session.scalar(select(StandingState.day).where(StandingState.id == 1)) == today
    for f in (Filters(), Filters(agreement=agreement.id)):
        same(f, today, True)
    assert to_plain(dashboard.build(Filters(), today, True)) != before
    assert queued == []


@pytest.mark.parametrize("undo", [False, True])
def test_a_declared_day_off_renews_the_periods_and_reports_owed_in_the_write(app, monkeypatch, undo):
    """The calendar moves reporting deadlines only: declaring the last due period's deadline a
    day off (and withdrawing it again) renews every agreement's period and reports owed as it
    commits; the commitments' rows are kept, nothing is rebuilt, and the kept figures equal the
    live ones, the compliance card's deadline moved."""
    from tests.factories import agreement as seeded
    from tracker.domain.workdays import DAY_OFF
    from tracker.models import StandingPeriod
    from tracker.services import workdays

    today = clock.today()
    agreement = seeded()
    assert dashboard_kept.build(Filters(), today, True) is not None
    queued = []
    monkeypatch.setattr(jobs, "enqueue_long", lambda *a, **k: queued.append(a))
    deadline = db.session.scalar(select(StandingPeriod.deadline).where(StandingPeriod.agreement_id == agreement.id))
    before = dashboard_kept.build(Filters(agreement=agreement.id), today, True).compliance["deadline"]
    assert before == deadline.isoformat()
    row = workdays.declare(deadline, DAY_OFF, "Nghỉ bù (thử)", None)
    db.session.commit()
    if undo:
        workdays.remove(row, None)
        db.session.commit()
    assert db.session.scalar(select(StandingState.day).where(StandingState.id == 1)) == today  # nothing voided
    kept = dashboard_kept.build(Filters(agreement=agreement.id), today, True)
    assert (kept.compliance["deadline"] == before) is undo
    for f in (Filters(), Filters(agreement=agreement.id)):
        same(f, today, True)
    assert queued == []


@pytest.mark.parametrize("change", ["new agreement", "later end", "earlier start"])
def test_an_agreements_dates_renew_the_periods_and_only_an_earlier_start_rebuilds(app, monkeypatch, change):
    """A new agreement, or new dates on one, renews the agreements' periods and reports owed as
    it commits; only a start before every other moves the half-year cut-offs, and then the
    standings are rebuilt. The kept figures equal the live ones after each."""
    from datetime import date

    from tests.factories import agreement as seeded
    from tracker.models import Province
    from tracker.services import plan_edit

    today = clock.today()
    assert dashboard_kept.build(Filters(), today, True) is not None
    queued = []
    monkeypatch.setattr(jobs, "enqueue_long", lambda *a, **k: queued.append(a))
    agreement = seeded()
    parties = [(p.province, p.signatory_name, p.signatory_title) for p in agreement.parties]
    if change == "new agreement":
        provinces = list(db.session.scalars(select(Province).where(Province.code.in_(("TN", "BN")))))
        plan_edit.save_agreement(None, {"code": "TN-BN-2027", "title": "Hợp tác mới", "period_start": date(2026, 1, 1)},
                                 [(p, None, None) for p in provinces], None)
    elif change == "later end":
        plan_edit.save_agreement(agreement, {"code": agreement.code, "period_start": agreement.period_start,
                                             "period_end": date(2030, 12, 31)}, parties, None)
    else:
        plan_edit.save_agreement(agreement, {"code": agreement.code, "period_start": date(2020, 1, 1)}, parties, None)
    db.session.commit()
    held = db.session.scalar(select(StandingState.day).where(StandingState.id == 1))
    assert (held is None) is (change == "earlier start")
    if held is None:  # the rebuild a view queues (run here, outside a request)
        standings_build.run()
    for f in (Filters(), Filters(agreement=agreement.id)):
        same(f, today, True)
    assert queued == []

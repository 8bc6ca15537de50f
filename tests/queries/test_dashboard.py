"""Dashboard figures against hand-computed fixtures: categories, as-of, restricted fields, cache."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import event, select

from tests.factories import TODAY, approve
from tracker.domain.dashboard import Filters, from_plain, to_plain
from tracker.extensions import db
from tracker.models import Agreement, Commitment, CooperationArea
from tracker.queries import dashboard


@pytest.fixture
def fixture_data(app):
    agreement = db.session.scalar(select(Agreement))
    open_areas = [a for a in agreement.areas if not a.restricted]
    c1, c2 = open_areas[0].commitments[0], open_areas[1].commitments[0]
    restricted = next(a for a in agreement.areas if a.restricted).commitments[0]
    # c1: both sides done by 2024-05-01, approved 2024-05-03 (before or on its due date?)
    approve(c1, "done", 100, date(2024, 5, 1), datetime(2024, 5, 3, 2, tzinfo=timezone.utc))
    # c2: in progress, approved 2025-01-10
    approve(c2, "in_progress", 40, date(2025, 1, 5), datetime(2025, 1, 10, 2, tzinfo=timezone.utc))
    approve(restricted, "in_progress", 10, date(2025, 1, 5), datetime(2025, 1, 10, 2, tzinfo=timezone.utc))
    return agreement, c1, c2, restricted


def expected_category(c, state, as_of):
    if state == "done":
        return "done_on_time" if c.due_date is None or c.recurring or date(2024, 5, 1) <= c.due_date else "done_late"
    return "in_progress_overdue" if c.due_date and not c.recurring and as_of > c.due_date else "in_progress_on_time"


def test_headline_counts_by_hand(fixture_data):
    agreement, c1, c2, restricted = fixture_data
    d = dashboard.build(Filters(agreement=agreement.id), TODAY, see_restricted=False)
    assert d.total == 23 and d.hidden_restricted == 6
    assert sum(d.categories.values()) == d.total
    assert d.categories["no_report"] == 21
    assert d.categories[expected_category(c1, "done", TODAY)] >= 1
    assert d.categories[expected_category(c2, "in_progress", TODAY)] >= 1
    cleared = dashboard.build(Filters(agreement=agreement.id), TODAY, see_restricted=True)
    assert cleared.total == 29 and cleared.hidden_restricted == 0 and cleared.categories["no_report"] == 26


def test_as_of_uses_only_updates_approved_by_then(fixture_data):
    agreement, c1, c2, _ = fixture_data
    before = dashboard.build(Filters(agreement=agreement.id, as_of=date(2024, 5, 2)), TODAY, see_restricted=True)
    assert before.categories["no_report"] == 29  # approved on 3 May, not yet on 2 May
    on = dashboard.build(Filters(agreement=agreement.id, as_of=date(2024, 5, 3)), TODAY, see_restricted=True)
    assert on.categories["no_report"] == 28
    done = on.categories["done_on_time"] + on.categories["done_late"]
    assert done == 1


def test_field_by_province_and_heat_map_keep_no_report_apart(fixture_data):
    agreement, c1, c2, _ = fixture_data
    d = dashboard.build(Filters(agreement=agreement.id), TODAY, see_restricted=False)
    cells = [r for r in d.by_field if r.area_id == c2.area_id]
    assert len(cells) == 2  # one per party province
    for cell in cells:
        assert cell.average_percent == 40.0 and cell.reported == 1
        assert sum(cell.counts.values()) == len(c2.area.commitments)
    untouched = [r for r in d.by_field if r.reported == 0]
    assert untouched and all(r.average_percent is None for r in untouched)  # not 0


def test_over_time_counts_at_each_cut_off(fixture_data):
    agreement, *_ = fixture_data
    d = dashboard.build(Filters(agreement=agreement.id), TODAY, see_restricted=True)
    points = {p.key: p for p in d.over_time}
    assert points["2023-H2"].done == 0 and points["2024-H1"].done == 1  # done reported 1 May 2024
    assert all(p.total == 29 for p in d.over_time)


def test_statement_count_does_not_grow_with_data(app, fixture_data):
    agreement, *_ = fixture_data
    agreement_id = agreement.id
    extra = db.session.scalars(select(Commitment).join(CooperationArea).where(
        CooperationArea.restricted.is_(False))).all()[5:8]
    counts = []
    with app.app_context():
        engine = db.engine
    seen = []
    listener = lambda *args, **kwargs: seen.append(1)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        for _ in range(2):
            seen.clear()
            dashboard.build(Filters(agreement=agreement_id), TODAY, see_restricted=False)
            counts.append(len(seen))
        for c in extra:  # more updates, more approved data
            approve(c, "in_progress", 20, date(2025, 6, 1), datetime(2025, 6, 2, tzinfo=timezone.utc))
        db.session.expire_all()
        dashboard.build(Filters(agreement=agreement_id), TODAY, see_restricted=False)
        seen.clear()
        dashboard.build(Filters(agreement=agreement_id), TODAY, see_restricted=False)
        counts.append(len(seen))
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert counts[0] == counts[1] == counts[2] <= 12


def test_cache_is_used_until_data_changes(fixture_data, monkeypatch):
    agreement, c1, c2, _ = fixture_data
    db.session.commit()
    builds = []  # the figures computed: from the kept standings, or live where they do not serve
    real_build = dashboard._kept_or_live
    monkeypatch.setattr(dashboard, "_kept_or_live", lambda *a, **k: builds.append(a) or real_build(*a, **k))
    f = Filters(agreement=agreement.id)
    first = dashboard.cached_build(f, TODAY, False)
    again = dashboard.cached_build(f, TODAY, False)
    assert len(builds) == 1 and again == first
    approve(agreement.areas[4].commitments[0], "in_progress", 30, date(2025, 3, 1),
            datetime(2025, 3, 2, tzinfo=timezone.utc))
    fresh = dashboard.cached_build(f, TODAY, False)
    assert len(builds) == 2 and fresh.categories["no_report"] == first.categories["no_report"] - 1


def test_cache_writes_nothing_to_the_database(fixture_data):
    """Reads do not write (house issue): the figures are kept outside the database, and the one
    bookkeeping a read may do is bringing the kept standings to today (``status.standings``),
    once: the same reads again write nothing at all."""
    from sqlalchemy import event

    from tests.test_permissions import _WRITE
    from tracker.status import cache

    agreement, *_ = fixture_data
    db.session.commit()
    writes = []

    def listener(conn, cursor, statement, *args):
        if statement.lstrip().split()[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            writes.append(statement)

    def read():
        dashboard.cached_build(Filters(agreement=agreement.id), TODAY, False)
        dashboard.cached_build(Filters(), TODAY, True)

    kept = {"standings", "standing_cutoffs", "standing_counts", "standing_periods", "standing_state"}
    engine = db.session.get_bind()
    event.listen(engine, "before_cursor_execute", listener)
    try:
        read()
        first = {_WRITE.match(statement).group(1) for statement in writes}
        assert first <= kept, writes
        writes.clear()
        cache.memory.clear()  # computed again, from the tables as they now are
        read()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert writes == []


def test_an_uncommitted_change_is_never_cached(fixture_data):
    """Figures computed inside a transaction that bumped the counter count its own change; were
    they kept, a rollback would leave them under a counter value that other data will take."""
    from tracker.status import cache

    agreement, *_ = fixture_data
    db.session.commit()
    f = Filters(agreement=agreement.id)
    dashboard.cached_build(f, TODAY, False)
    kept = set(cache.memory.entries)
    cache.invalidate()
    dashboard.cached_build(f, TODAY, False)
    assert set(cache.memory.entries) == kept
    db.session.rollback()
    dashboard.cached_build(f, TODAY, False)
    assert set(cache.memory.entries) == kept  # the counter is back: the entry kept before serves


def test_plain_round_trip(fixture_data):
    agreement, *_ = fixture_data
    d = dashboard.build(Filters(agreement=agreement.id, as_of=date(2025, 6, 30)), TODAY, see_restricted=True)
    assert from_plain(to_plain(d)) == d


def _statements(app, run) -> list[str]:
    """The statements ``run()`` sends (a transaction's BEGIN aside)."""
    with app.app_context():
        engine = db.engine
    seen: list[str] = []

    def listener(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith("BEGIN"):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", listener)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return seen


@pytest.mark.parametrize("one", [False, True])
def test_the_kept_dashboard_is_four_statements(app, fixture_data, one):
    """The state (with the over-time figures' first day), every figure's GROUP BY in one UNION
    ALL, the upcoming deadlines and the provinces' names: the same figures as the live path."""
    from tracker.queries import dashboard_kept

    agreement, *_ = fixture_data
    db.session.commit()
    f = Filters(agreement=agreement.id) if one else Filters()
    assert dashboard_kept.build(f, TODAY, False) is not None  # the standings made for today first
    found = []
    seen = _statements(app, lambda: found.append(dashboard_kept.build(f, TODAY, False)))
    assert len(seen) == 4, seen
    assert to_plain(found[0]) == to_plain(dashboard.build(f, TODAY, False))


def test_a_new_day_before_any_period_moves_reads_no_schedule(app, fixture_data, monkeypatch):
    """A new day refreshes the commitments whose day came; the agreements' periods are looked at
    again only from the day the first of them can move (``standing_periods``' row ``NEXT``)."""
    from datetime import timedelta

    from tracker import clock
    from tracker.models import StandingPeriod
    from tracker.queries import dashboard_kept
    from tracker.status import standing_periods

    db.session.commit()
    assert dashboard_kept.build(Filters(), TODAY, True) is not None
    following = db.session.scalar(select(StandingPeriod.deadline).where(
        StandingPeriod.agreement_id == standing_periods.NEXT))
    assert following is not None and following > TODAY + timedelta(days=1)
    for day, reads in ((TODAY + timedelta(days=1), False), (following, True)):
        monkeypatch.setattr(clock, "today", lambda day=day: day)
        found = []
        seen = _statements(app, lambda day=day, found=found: found.append(dashboard_kept.build(Filters(), day, True)))
        assert any("reporting_schedules" in s for s in seen) is reads
        assert to_plain(found[0]) == to_plain(dashboard.build(Filters(), day, True))


def test_a_new_day_on_which_a_period_moves_renews_the_reports_owed(app, fixture_data, monkeypatch):
    """Monthly reports: on the day after the next deadline (no half-year cut-off crossed on the
    way, so no rebuild) the last due period moves on; the new day's refresh renews the
    agreement's reports owed (``standing_periods.new_periods``), and the kept figures equal the
    live ones, the compliance card included."""
    from tracker import clock
    from tracker.models import ReportingSchedule, StandingPeriod, StandingState
    from tracker.queries import dashboard_kept
    from tracker.status import standing_periods
    from tracker.status.cache import invalidate
    from tracker.status.standings import cutoff_days

    agreement = fixture_data[0]
    schedule = db.session.scalar(select(ReportingSchedule).where(ReportingSchedule.agreement_id == agreement.id))
    if schedule is None:
        schedule = ReportingSchedule(agreement_id=agreement.id)
        db.session.add(schedule)
    schedule.frequencies, schedule.deadline_kind, schedule.deadline_value = ["monthly"], "working_days_after", 2
    invalidate()
    db.session.commit()
    first = date(2026, 8, 1)
    monkeypatch.setattr(clock, "today", lambda: first)
    before = dashboard_kept.build(Filters(), first, True)  # outside a request: rebuilt at once
    assert before is not None and before.compliance["due"] > 0
    key = select(StandingPeriod.period_key).where(StandingPeriod.agreement_id == agreement.id)
    held = db.session.scalar(key)
    day = db.session.scalar(select(StandingPeriod.deadline).where(StandingPeriod.agreement_id == standing_periods.NEXT))
    assert cutoff_days(day) == cutoff_days(first), "no half-year cut-off between the two days"
    monkeypatch.setattr(clock, "today", lambda: day)
    seen = _statements(app, lambda: dashboard_kept.build(Filters(), day, True))
    assert not any(s.lstrip().upper().startswith("DELETE FROM STANDING_CUTOFFS") for s in seen), \
        "a new day's refresh, not a rebuild"
    assert db.session.scalar(select(StandingState.day).where(StandingState.id == 1)) == day
    assert db.session.scalar(key) not in (None, held)  # the period moved
    kept = dashboard_kept.build(Filters(), day, True)
    assert kept.compliance["period"] != before.compliance["period"] and kept.compliance["due"] > 0
    assert to_plain(kept) == to_plain(dashboard.build(Filters(), day, True))

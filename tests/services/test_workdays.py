"""Vietnam's calendar from the `holidays` package plus declared days, as deadlines use it."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from tracker.domain.reminders import due_key
from tracker.domain.workdays import DAY_OFF, WORKING_DAY
from tracker.extensions import db
from tracker.models import Agency, Agreement, AuditEvent, ChangeCounter, Notification, User
from tracker.services import digests, workdays
from tracker.status import calendar as work_calendar
from tracker.status import periods

D = date


def agreement():
    return db.session.scalar(select(Agreement).where(Agreement.code == "TN-BG-2023"))


def admin():
    return db.session.scalar(select(User).where(User.email == "admin@example.com"))


def test_the_library_knows_tet_binh_ngo_2026():
    """What the `holidays` package gives for Vietnam in 2026, as tests/domain/test_workdays.py writes it out."""
    days = dict(work_calendar.public_holidays(2026))
    tet = {d: n for d, n in days.items() if d.month == 2}
    assert tet == {
        D(2026, 2, 16): "Giao thừa Tết Nguyên Đán",
        D(2026, 2, 17): "Tết Nguyên Đán",
        D(2026, 2, 18): "Mùng hai Tết Nguyên Đán",
        D(2026, 2, 19): "Mùng ba Tết Nguyên Đán",
        D(2026, 2, 20): "Mùng bốn Tết Nguyên Đán",
    }
    assert set(days) == {
        D(2026, 1, 1), *tet, D(2026, 4, 26), D(2026, 4, 27), D(2026, 4, 30), D(2026, 5, 1), D(2026, 8, 31),
        D(2026, 9, 1), D(2026, 9, 2), D(2026, 11, 24),
    }
    assert dict(work_calendar.public_holidays(2026, "en"))[D(2026, 2, 17)] == "Lunar New Year"
    assert work_calendar.public_working_days(2026) == (D(2026, 8, 22),)
    assert work_calendar.public_holidays(1800) == ()


def test_calendar_without_declared_days_is_the_library_s(app):
    calendar = work_calendar.calendar()
    assert not calendar.is_working_day(D(2026, 2, 17))
    assert calendar.is_working_day(D(2026, 8, 22))  # the Saturday made up for 31/08/2026
    assert not calendar.is_working_day(D(2026, 8, 31))
    assert calendar.is_working_day(D(2026, 2, 23))


def use_monthly_schedule():
    schedule = periods.schedule_of(agreement())
    schedule.frequencies = ["monthly"]
    db.session.commit()


SEEDED_TODAY = D(2026, 11, 25)


def deadline_of(key, today=SEEDED_TODAY):
    return next(v.period.deadline for v in periods.periods_of(agreement(), today) if v.period.key == key)


def test_the_february_2026_monthly_period_is_due_after_tet(app):
    use_monthly_schedule()
    assert deadline_of("2026-M02") == D(2026, 2, 24)  # cut-off Sat 14/02; Tết 16-20/02; Mon 23, Tue 24
    assert deadline_of("2026-M03") == D(2026, 3, 17)


def test_a_declared_day_moves_deadlines_at_once_and_is_audited(app):
    use_monthly_schedule()
    row = workdays.declare(D(2026, 2, 23), DAY_OFF, "  Nghỉ thêm theo Thông báo của Chính phủ  ", admin())
    db.session.commit()
    assert deadline_of("2026-M02") == D(2026, 2, 25)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "calendar_day_declared"))
    assert event.actor_id == admin().id and event.category == "data"
    assert event.details == {"day": "2026-02-23", "kind": "day_off", "reason": "Nghỉ thêm theo Thông báo của Chính phủ"}
    assert row.reason == "Nghỉ thêm theo Thông báo của Chính phủ"

    made_up = workdays.declare(D(2026, 2, 21), WORKING_DAY, "Làm bù", admin())
    db.session.commit()
    assert deadline_of("2026-M02") == D(2026, 2, 24)  # Saturday 21/02 worked, Monday 23/02 off, Tuesday 24/02

    workdays.remove(made_up, admin())
    workdays.remove(row, admin())
    db.session.commit()
    assert deadline_of("2026-M02") == D(2026, 2, 24)
    removed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "calendar_day_removed")).all()
    assert {e.details["day"] for e in removed} == {"2026-02-21", "2026-02-23"}


def test_a_declared_day_makes_cached_figures_stale(app):
    before = db.session.scalar(select(ChangeCounter.value).where(ChangeCounter.id == 1)) or 0
    workdays.declare(D(2026, 6, 15), DAY_OFF, "Nghỉ bù", admin())
    db.session.commit()
    assert db.session.scalar(select(ChangeCounter.value).where(ChangeCounter.id == 1)) == before + 1


@pytest.mark.parametrize(
    "day, kind, reason, code",
    [
        (D(2026, 2, 17), DAY_OFF, "Tết", "already_off"),  # a public holiday
        (D(2026, 2, 14), DAY_OFF, "Nghỉ", "already_off"),  # a Saturday
        (D(2026, 3, 3), WORKING_DAY, "Làm bù", "already_working"),  # a Tuesday
        (D(2026, 8, 22), WORKING_DAY, "Làm bù", "already_working"),  # the library's own make-up day
        (D(2026, 3, 2), DAY_OFF, "   ", "reason_required"),
        (D(2026, 3, 2), DAY_OFF, "x" * 501, "reason_too_long"),
        (D(2026, 3, 2), "holiday", "Nghỉ", "unknown_kind"),
    ],
)
def test_declarations_that_make_no_sense_are_refused(app, day, kind, reason, code):
    with pytest.raises(workdays.CalendarError) as refused:
        workdays.declare(day, kind, reason, admin())
    assert refused.value.code == code
    assert work_calendar.declared_in(day.year) == []


def test_a_day_is_declared_once(app):
    workdays.declare(D(2026, 3, 2), DAY_OFF, "Nghỉ", admin())
    with pytest.raises(workdays.CalendarError) as refused:
        workdays.declare(D(2026, 3, 2), DAY_OFF, "Nghỉ lần hai", admin())
    assert refused.value.code == "duplicate"
    assert [r.day for r in work_calendar.declared_in(2026)] == [D(2026, 3, 2)]
    assert work_calendar.declared_in(2025) == []


def test_the_late_flag_counts_with_the_calendar(app):
    a = agreement()
    # H1 2025: cut-off Saturday 14/06/2025, deadline Tuesday 17/06/2025.
    submitted = datetime(2025, 6, 17, 9, tzinfo=timezone.utc)  # 16:00 in Vietnam, on 17/06
    assert not periods.is_late(a, D(2025, 6, 1), submitted)
    assert periods.is_late(a, D(2025, 6, 1), datetime(2025, 6, 18, 2, tzinfo=timezone.utc))
    workdays.declare(D(2025, 6, 16), DAY_OFF, "Nghỉ bù", admin())
    db.session.commit()
    assert periods.is_late(a, D(2025, 6, 1), datetime(2025, 6, 18, 2, tzinfo=timezone.utc)) is False
    assert periods.is_late(a, D(2025, 6, 1), datetime(2025, 6, 19, 2, tzinfo=timezone.utc))


def test_notification_deadlines_count_with_the_calendar(app):
    use_monthly_schedule()
    a = agreement()
    user = admin()
    agency_id = db.session.scalar(select(Agency.id).where(Agency.code == "TN-STC"))
    notice = Notification(user_id=user.id, kind="due_soon", dedupe_key=due_key(a.id, "2026-M02", agency_id, 5),
                          period_key="2026-M02", days=5)
    db.session.add(notice)
    db.session.commit()
    (item,) = digests.describe([notice], user)
    assert item.deadline == D(2026, 2, 24)

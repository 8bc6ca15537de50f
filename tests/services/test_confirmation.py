"""Partner confirmation, through the services: a shared completion asks the partner, a dispute
makes the side not done on every surface that counts, a withdrawal or a later report settles it."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.factories import approve, make_user, user
from tracker import clock
from tracker.domain.confirmation import NotAllowed
from tracker.extensions import db
from tracker.models import AuditEvent, Commitment, CooperationArea, Notification, UpdateConfirmation
from tracker.permissions import acting_province_ids
from tracker.queries import confirmations as confirmation_queries
from tracker.queries import progress as progress_queries
from tracker.services import confirmation
from tracker.status import sql as status_sql

DONE = ("done_on_time", "done_late")


def shared_commitment() -> Commitment:
    """A commitment (not restricted) led today by both party provinces."""
    for c in db.session.scalars(select(Commitment).join(Commitment.area)
                                .where(CooperationArea.restricted.is_(False)).order_by(Commitment.id)):
        if len({a.party_id for a in c.assignments if a.role == "lead" and a.valid_to is None}) >= 2:
            return c
    pytest.skip("no shared commitment seeded")


def parties(c):
    leads = sorted({a.party for a in c.assignments if a.role == "lead" and a.valid_to is None}, key=lambda p: p.id)
    mine = acting_province_ids(user("daumoi@example.com"), clock.today())
    tn = next(p for p in leads if p.province_id in mine)
    return tn, next(p for p in leads if p is not tn)


def sql_category(c) -> str:
    row = db.session.execute(status_sql.commitments(clock.today(), within=[c.id])).one()
    return row.category


def standing_category(c) -> str:
    return progress_queries.standings([c], clock.today())[c.id].category.value


def done_both(c):
    """Both sides report done; returns the partner side's (Bắc Ninh's) update and the TN request about it."""
    tn, bn = parties(c)
    approve(c, "done", 100, party_id=tn.id)
    [update] = approve(c, "done", 100, party_id=bn.id)
    row = db.session.scalar(select(UpdateConfirmation).where(UpdateConfirmation.update_id == update.id))
    return update, row


def test_a_shared_completion_asks_the_partner_and_tells_its_coordinator(app):
    c = shared_commitment()
    tn, bn = parties(c)
    bn_coordinator = make_user("daumoi.bn@example.com", "coordinator", province="BN")
    [tn_update] = approve(c, "done", 100, party_id=tn.id)
    [row] = db.session.scalars(select(UpdateConfirmation).where(UpdateConfirmation.update_id == tn_update.id))
    assert (row.party_id, row.state) == (bn.id, "awaiting")
    told = db.session.scalar(select(Notification).where(Notification.user_id == bn_coordinator.id,
                                                        Notification.kind == "confirm"))
    assert told is not None and told.update_id == tn_update.id
    assert [r.id for r in confirmation_queries.pending_for(acting_province_ids(bn_coordinator, clock.today()), True)] == [row.id]
    assert confirmation_queries.pending_for(acting_province_ids(user("daumoi@example.com"), clock.today()), True) == []
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "confirmation_requested")) == 1


def test_an_unfinished_report_or_a_single_side_asks_nobody(app):
    c = shared_commitment()
    approve(c, "in_progress", 50)
    assert db.session.scalar(select(func.count()).select_from(UpdateConfirmation)) == 0


def test_a_dispute_makes_the_side_not_done_everywhere_until_withdrawn(app):
    c = shared_commitment()
    update, row = done_both(c)
    done = sql_category(c)
    assert done in DONE and standing_category(c) == done
    coordinator = user("daumoi@example.com")
    with pytest.raises(confirmation.ConfirmationError):
        confirmation.dispute(row, coordinator, "  ")
    confirmation.dispute(row, coordinator, "Chưa nghiệm thu công trình")
    db.session.commit()
    assert row.state == "disputed" and row.disputed_at is not None
    assert sql_category(c) == standing_category(c) in ("in_progress_on_time", "in_progress_overdue")
    assert confirmation_queries.disputed_commitments([c.id]) == {c.id}
    assert db.session.scalar(select(Notification).where(Notification.kind == "disputed",
                                                        Notification.update_id == update.id)) is not None
    confirmation.withdraw(row, coordinator)
    db.session.commit()
    assert row.state == "settled"
    assert sql_category(c) == standing_category(c) == done
    actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.commitment_id == c.id)))
    assert {"confirmation_dispute", "confirmation_withdraw", "confirmation_requested"} <= actions


def test_a_later_approved_report_of_the_side_settles_the_dispute(app):
    c = shared_commitment()
    tn, bn = parties(c)
    update, row = done_both(c)
    confirmation.dispute(row, user("daumoi@example.com"), "Chưa nghiệm thu")
    db.session.commit()
    late_evening = clock.start_of_day_utc(clock.today()) + timedelta(hours=23)
    [later] = approve(c, "done", 100, party_id=bn.id, at=late_evening)
    db.session.expire_all()
    assert row.state == "settled"
    assert db.session.scalar(select(UpdateConfirmation.state).where(UpdateConfirmation.update_id == later.id)) \
        == "awaiting"
    assert sql_category(c) == standing_category(c) in DONE


def test_confirming_keeps_it_done_and_twice_is_refused(app):
    c = shared_commitment()
    _update, row = done_both(c)
    confirmation.confirm(row, user("daumoi@example.com"))
    assert row.state == "confirmed" and sql_category(c) in DONE
    with pytest.raises(NotAllowed):
        confirmation.confirm(row, user("daumoi@example.com"))
    with pytest.raises(NotAllowed):
        confirmation.dispute(row, user("daumoi@example.com"), "Đổi ý")


def test_the_report_annex_notes_a_disputed_completion_and_counts_it_not_done(app):
    from tracker.queries import reports

    c = shared_commitment()
    _update, row = done_both(c)
    scope = reports.Scope(agreement=c.area.agreement, see_restricted=True)
    [line] = [r for r in reports.build(scope, clock.today()).rows if r.code == c.code]
    assert line.category in DONE and "không xác nhận" not in line.notes
    confirmation.dispute(row, user("daumoi@example.com"), "Chưa nghiệm thu")
    db.session.commit()
    [line] = [r for r in reports.build(scope, clock.today()).rows if r.code == c.code]
    assert line.category not in DONE and "Tỉnh bạn không xác nhận hoàn thành của Bắc Ninh" in line.notes

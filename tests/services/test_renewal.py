"""Renewing the seeded memorandum into 2026-2030: the preview writes nothing; applying makes
the next phase with today's provinces and agencies, carries the chosen open commitments
over and leaves every report and dashboard of the old phase before the renewal day as it was."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.factories import TODAY, agreement, approve, officer_commitment, shared_commitments, user
from tracker.extensions import db
from tracker.models import Agreement, AuditEvent, Commitment, ProgressUpdate
from tracker.queries import reports
from tracker.services import renewal

ON = date(2026, 1, 1)


def form(old, **changes):
    return {**renewal.defaults(old, TODAY), **changes}


def past_report(old, as_of):
    report = reports.build(reports.Scope(old, as_of=as_of, see_restricted=True), TODAY)
    return report.rows, (report.summary, report.by_province, report.by_area, report.updates, report.changes)


def count(model):
    return db.session.scalar(select(func.count(model.id)))


def test_defaults_name_todays_provinces_and_the_next_five_years(app):
    data = renewal.defaults(agreement(), TODAY)
    assert data["renewed_on"] == ON  # the old period ended on 31/12/2025
    assert data["code"] == "TN-BN-2026"
    assert (data["period_start"], data["period_end"]) == (ON, date(2030, 12, 31))
    assert "Thái Nguyên và Bắc Ninh giai đoạn 2026-2030" in data["title"]


def test_preview_lists_open_and_finished_and_writes_nothing(app):
    old = agreement()
    done = officer_commitment()
    approve(done, "done", 100, as_of=date(2025, 11, 1))
    before = (count(Agreement), count(Commitment), count(AuditEvent))
    result = renewal.preview(old, form(old), TODAY)
    assert (count(Agreement), count(Commitment), count(AuditEvent)) == before
    assert [p.code for p in result.provinces] == ["TN", "BN"]
    live = [c for a in old.areas for c in a.commitments if c.removed_on is None]
    assert len(result.lines) == len(live)
    finished = [line.commitment.id for line in result.finished]
    assert done.id in finished and done.id not in [line.commitment.id for line in result.open]
    assert len(result.open) == len(live) - len(finished)


@pytest.mark.parametrize("changes, problems", [
    ({"renewed_on": TODAY + timedelta(days=1)}, {"renewed_on": "in_future"}),
    ({"renewed_on": date(2023, 1, 1)}, {"renewed_on": "before_old_start"}),
    ({"period_end": date(2025, 1, 1)}, {"period_end": "before_start"}),
    ({"code": "tn-bg-2023"}, {"code": "code_taken"}),
])
def test_preview_refuses_bad_input(app, changes, problems):
    old = agreement()
    with pytest.raises(renewal.RenewalError) as caught:
        renewal.preview(old, form(old, **changes), TODAY)
    assert caught.value.problems == problems


def test_apply_makes_the_next_phase_and_carries_open_commitments(app):
    old = agreement()
    admin = user()
    result = renewal.preview(old, form(old), TODAY)
    chosen = {line.commitment.id for line in result.open[1:]}  # one open commitment stays behind by choice
    kept_back = result.open[0].commitment
    new = renewal.apply(result, chosen, admin)
    db.session.flush()
    assert new.predecessor is old and old.successor is new and new.renewed_on == ON
    assert [p.province.code for p in new.parties] == ["TN", "BN"]
    assert all(p.signatory_name is None for p in new.parties)
    assert [(a.number, a.name, a.restricted) for a in new.areas] == [(a.number, a.name, a.restricted) for a in old.areas]
    assert new.risk_margin == old.risk_margin and not new.open_ended and new.summary is None
    carried = [c for a in new.areas for c in a.commitments]
    assert sorted(c.carried_from_id for c in carried) == sorted(chosen)
    for c in carried:
        original = c.carried_from
        assert original.carried_over_to is c and original.carried_over and original.removed_on == ON
        assert (c.code, c.title, c.is_demo) == (original.code, original.title, original.is_demo)
        assert c.start_date >= ON and (c.due_date is None or c.due_date >= c.start_date)
        assert all(a.valid_to is not None and a.valid_to <= ON - timedelta(days=1) for a in original.assignments)
        assert any(a.valid_to == ON - timedelta(days=1) for a in original.assignments)
        leads = {a.party.province.code: a.agency for a in c.current_assignments if a.role == "lead"}
        assert set(leads) <= {"TN", "BN"} and leads
        assert all(agency.valid_to is None and agency.province.code in ("TN", "BN") for agency in leads.values())
        assert all(a.valid_from == ON for a in c.assignments)
    assert kept_back.removed_on is None and kept_back.carried_over_to is None
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"agreement_renewed", "commitment_carried_over", "plan_commitment_removed", "agreement_created"} <= actions


def test_finished_commitments_are_never_carried(app):
    old = agreement()
    done = officer_commitment()
    approve(done, "done", 100, as_of=date(2025, 11, 1))
    result = renewal.preview(old, form(old), TODAY)
    new = renewal.apply(result, {line.commitment.id for line in result.lines}, user())
    assert done.removed_on is None and done.carried_over_to is None
    assert done.id not in {c.carried_from_id for a in new.areas for c in a.commitments}


def test_old_reports_before_the_renewal_stay_and_the_originals_stop_counting_from_it(app):
    old = agreement()
    commitment = officer_commitment()
    approve(commitment, "in_progress", 60, as_of=date(2025, 10, 1))
    eve = ON - timedelta(days=1)
    rows_before, counts_before = past_report(old, eve)
    mid_before = past_report(old, date(2025, 6, 30))
    result = renewal.preview(old, form(old), TODAY)
    renewal.apply(result, {line.commitment.id for line in result.open}, user())
    db.session.flush()
    assert past_report(old, eve) == (rows_before, counts_before)  # the final report of the old phase
    assert past_report(old, date(2025, 6, 30)) == mid_before
    rows_after, counts_after = past_report(old, ON)
    assert commitment.code in [r.code for r in rows_before] and commitment.code not in [r.code for r in rows_after]
    assert counts_after[0].total == counts_before[0].total - len(result.open)


def test_the_history_stays_with_the_original_and_the_new_one_starts_fresh(app):
    old = agreement()
    commitment = officer_commitment()
    approve(commitment, "in_progress", 60, as_of=date(2025, 10, 1))
    updates = db.session.scalar(select(func.count(ProgressUpdate.id)).where(ProgressUpdate.commitment_id == commitment.id))
    result = renewal.preview(old, form(old), TODAY)
    renewal.apply(result, {commitment.id}, user())
    db.session.flush()
    new = commitment.carried_over_to
    assert db.session.scalar(select(func.count(ProgressUpdate.id)).where(
        ProgressUpdate.commitment_id == commitment.id)) == updates > 0
    assert not db.session.scalar(select(func.count(ProgressUpdate.id)).where(ProgressUpdate.commitment_id == new.id))


def test_an_agreement_is_renewed_once(app):
    old = agreement()
    renewal.apply(renewal.preview(old, form(old), TODAY), set(), user())
    db.session.flush()
    with pytest.raises(renewal.RenewalError) as caught:
        renewal.preview(old, form(old, code="TN-BN-2026B"), TODAY)
    assert caught.value.problems == {"renewed_on": "already_renewed"}


def test_shared_commitment_keeps_both_sides(app):
    old = agreement()
    shared = shared_commitments()[0]
    renewal.apply(renewal.preview(old, form(old), TODAY), {shared.id}, user())
    db.session.flush()
    new = shared.carried_over_to
    assert {a.party.province.code for a in new.current_assignments if a.role == "lead"} == {"TN", "BN"}


def test_targets_of_the_new_years_and_the_custom_schedule_go_on(app):
    from tracker.models import CommitmentTarget, ReportingSchedule
    from tracker.services import targets

    old = agreement()
    admin = user()
    shared = shared_commitments()[0]
    tn = next(p for p in old.parties if p.position == 1)
    for year, value in ((2025, 10), (2026, 12), (2027, 15)):
        targets.set_target(shared, tn, year=year, unit="dự án", value=value, baseline=None, reason_code="change",
                           reason="Kế hoạch", actor=admin, today=date(2025, 3, 1))
    targets.set_target(shared, None, year=2026, unit="hội nghị", value=2, baseline=1, reason_code="change",
                       reason="Kế hoạch", actor=admin, today=date(2025, 3, 1))
    targets.set_target(shared, tn, year=2026, unit="dự án", value=14, baseline=None, reason_code="change",
                       reason="Điều chỉnh", actor=admin, today=date(2025, 9, 1))  # the one in force
    schedule = db.session.scalar(select(ReportingSchedule).where(ReportingSchedule.agreement_id == old.id))
    schedule.frequencies, schedule.deadline_kind, schedule.deadline_value = ["quarterly", "annual"], "day_of_month", 20
    schedule.remind_days = [7, 2]
    new = renewal.apply(renewal.preview(old, form(old), TODAY), {shared.id}, admin)
    db.session.flush()
    carried = shared.carried_over_to
    rows = db.session.scalars(select(CommitmentTarget).where(CommitmentTarget.commitment_id == carried.id)).all()
    tn_new = next(p for p in new.parties if p.province.code == "TN")
    assert sorted((r.year, r.party_id or 0, r.unit, r.value, r.effective_on) for r in rows) == sorted([
        (2026, tn_new.id, "dự án", 14, ON), (2027, tn_new.id, "dự án", 15, ON), (2026, 0, "hội nghị", 2, ON)])
    assert len(db.session.scalars(select(CommitmentTarget).where(CommitmentTarget.commitment_id == shared.id)).all()) == 5
    copied = db.session.scalar(select(ReportingSchedule).where(ReportingSchedule.agreement_id == new.id))
    assert (copied.frequencies, copied.deadline_kind, copied.deadline_value, copied.remind_days) == (
        ["quarterly", "annual"], "day_of_month", 20, [7, 2])

"""`reorganise`: a preview writes nothing; applying moves open assignments, users and open
updates to the successor, and leaves closed history and past reports as they were."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from tests.factories import TODAY, agreement, make_update, officer_commitment, user
from tracker.extensions import db
from tracker.models import Agency, AgencySuccession, Assignment, ProgressUpdate
from tracker.queries import reports


def agency(code):
    return db.session.scalar(select(Agency).where(Agency.code == code))


def snapshot():
    rows = db.session.execute(select(Assignment.id, Assignment.agency_id, Assignment.valid_from, Assignment.valid_to,
                                     Assignment.role).order_by(Assignment.id)).all()
    return [tuple(r) for r in rows]


def past_report():
    report = reports.build(reports.Scope(agreement(), as_of=date(2026, 1, 15), see_restricted=True), TODAY)
    return [(r.code, r.lead_agencies, r.support_agencies, r.category) for r in report.rows]


def test_preview_writes_nothing(runner):
    before = snapshot()
    result = runner.invoke(args=["reorganise", "--from", "TN-STC", "--to", "TN-SXD", "--on", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[-2] == "preview only: nothing written (add --apply)"
    assert lines[-1].startswith("moves: ") and "1 users" in lines[-1]
    assert any(line.startswith("user canbo@example.com: TN-STC -> TN-SXD") for line in lines)
    assert snapshot() == before and agency("TN-STC").valid_to is None


def test_apply_moves_open_work_and_keeps_history(app, runner):
    commitment = officer_commitment()
    submitted = make_update(app, commitment)  # waiting in the review queue
    stc, sxd = agency("TN-STC"), agency("TN-SXD")
    closed_before = [r for r in snapshot() if r[3] is not None]
    open_stc = [a.id for a in db.session.scalars(select(Assignment).where(Assignment.agency_id == stc.id,
                                                                       Assignment.valid_to.is_(None)))]
    report_before = past_report()
    result = runner.invoke(args=["reorganise", "--from", "TN-STC", "--to", "TN-SXD", "--on", TODAY.isoformat(),
                                 "--apply"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    # closed history unchanged; every open TN-STC assignment ended yesterday
    after = {r[0]: r for r in snapshot()}
    assert all(after[r[0]] == r for r in closed_before)
    assert open_stc and all(after[i][3] == TODAY - timedelta(days=1) for i in open_stc)
    lead = [a for a in db.session.get(type(commitment), commitment.id).assignments
            if a.valid_to is None and a.role == "lead" and a.party.province.code == "TN97"]
    assert [a.agency.code for a in lead] == ["TN-SXD"] and lead[0].valid_from == TODAY
    assert lead[0].predecessor.agency.code == "TN-STC"
    assert user("canbo@example.com").agency.code == "TN-SXD"
    assert db.session.get(ProgressUpdate, submitted.id).agency_id == sxd.id
    assert agency("TN-STC").valid_to == TODAY - timedelta(days=1)
    assert db.session.scalar(select(AgencySuccession).where(AgencySuccession.predecessor_id == stc.id,
                                                             AgencySuccession.successor_id == sxd.id))
    assert past_report() == report_before


def test_bad_input_is_refused_with_a_reason(runner):
    for args, reason in [
        (["--from", "NOPE", "--to", "TN-SXD", "--on", "2026-11-01"], "unknown code NOPE"),
        (["--from", "TN-STC", "--to", "TN", "--on", "2026-11-01"], "both be agencies or both provinces"),
        (["--from", "TN-SXD", "--to", "TN-SXD", "--on", "2026-11-01"], "other units than --to"),
        (["--from", "TN-STC", "--to", "TN-SXD", "--on", "2027-01-01"], "after today"),
    ]:
        result = runner.invoke(args=["reorganise", *args])
        assert result.exit_code != 0 and reason in result.output, result.output

"""The early-warning rule in SQL (``status.sql.sides``' ``at_risk``) says what the domain says,
side by side, on both databases: over reports and no reports, times, margins and extensions."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.factories import TODAY, approve, officer_commitment
from tracker.domain.risk import side_at_risk
from tracker.extensions import db
from tracker.status import sql as status_sql

# (days since the start, days left to the due date) on TODAY: where in its time the side stands.
TIMES = [(0, 100), (10, 90), (40, 80), (50, 50), (150, 0), (300, 1), (5, -1), (-3, 30)]


def sql_at_risk(commitment_id: int, day: date) -> dict[int, int]:
    rows = status_sql.sides(day).where(status_sql.Commitment.id == commitment_id).subquery()
    return dict(db.session.execute(select(rows.c.party_id, rows.c.at_risk)).all())


@pytest.mark.parametrize("report", [None, ("in_progress", 0), ("in_progress", 35), ("in_progress", 80),
                                    ("done", 100), ("not_started", 0)])
@pytest.mark.parametrize("margin", [20, 5])
def test_sql_and_domain_agree_on_every_side(app, report, margin):
    commitment = officer_commitment()
    commitment.area.agreement.risk_margin = margin
    commitment.recurring, commitment.original_due_date = False, None
    if report is not None:
        approve(commitment, state=report[0], percent=report[1], as_of=TODAY)
    for since, left in TIMES:
        commitment.start_date, commitment.due_date = TODAY - timedelta(days=since), TODAY + timedelta(days=left)
        if commitment.due_date < commitment.start_date:
            continue
        db.session.commit()
        found = sql_at_risk(commitment.id, TODAY)
        assert found, "the commitment has sides"
        expected = side_at_risk(day=TODAY, start=commitment.start_date, due=commitment.due_date,
                                done=report is not None and report[0] == "done",
                                percent=None if report is None else report[1], margin=margin)
        assert set(found.values()) == {int(expected)}, (since, left, report, margin)


def test_an_extension_in_force_moves_the_time_the_side_is_judged_on(app):
    from tracker.services import progress
    from tests.factories import user

    commitment = officer_commitment()
    commitment.start_date, commitment.due_date = TODAY - timedelta(days=60), TODAY + timedelta(days=30)
    db.session.commit()
    approve(commitment, percent=30, as_of=TODAY)  # two thirds of the time gone, 30 %: 37 points behind
    assert set(sql_at_risk(commitment.id, TODAY).values()) == {1}
    progress.extend_deadline(commitment, user("admin@example.com"), TODAY + timedelta(days=300), "Điều chỉnh kế hoạch",
                             today=TODAY)
    db.session.commit()  # 60 of 360 days gone (17 %), 30 % reported: ahead
    assert set(sql_at_risk(commitment.id, TODAY).values()) == {0}

"""The SQL categories agree with the domain rules on the same approved histories."""
import random
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Commitment, ProgressUpdate, User
from tracker.status import sql as status_sql
from tracker.queries.progress import standings
from tracker.status import spans as status

STATES = ["not_started", "in_progress", "done", "paused", "dropped"]


def approved(commitment, assignment, author, state, percent, as_of, approved_at):
    update = ProgressUpdate(
        commitment=commitment, party_id=assignment.party_id, agency_id=assignment.agency_id, role="lead",
        author=author, status="approved", state=state, percent=100 if state == "done" else percent, as_of=as_of,
        form_token=f"r{random.random()}", reviewed_at=approved_at, submitted_at=approved_at, reviewer=author,
    )
    db.session.add(update)
    return update


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sql_and_domain_agree(app, seed):
    rng = random.Random(seed)
    admin = db.session.scalar(select(User).where(User.email == "admin@example.com"))
    commitments = list(db.session.scalars(select(Commitment).order_by(Commitment.id)))
    start = date(2023, 6, 1)
    for c in commitments:
        leads = [a for a in c.assignments if a.valid_to is None and a.role == "lead"]
        finish = rng.random() < 0.4  # both sides report done at some point: on time or late
        for lead in leads:
            if finish:
                as_of = start + timedelta(days=rng.randrange(200, 900))
                approved(c, lead, admin, "done", 100, as_of,
                         datetime.combine(as_of, datetime.min.time(), tzinfo=timezone.utc) + timedelta(days=3))
            for _ in range(rng.choice([0, 0, 1, 2, 4])):
                as_of = start + timedelta(days=rng.randrange(0, 1200))
                at = datetime.combine(as_of + timedelta(days=rng.randrange(0, 40)), datetime.min.time(),
                                      tzinfo=timezone.utc) + timedelta(hours=rng.randrange(0, 24))
                approved(c, lead, admin, rng.choice(STATES), rng.randrange(0, 100), as_of, at)
    db.session.flush()
    status.rebuild_all()
    db.session.flush()
    seen = set()
    for as_of in (date(2023, 1, 1), date(2024, 6, 14), date(2025, 3, 1), date(2025, 12, 31), date(2026, 11, 20)):
        expected = standings(commitments, as_of)
        rows = db.session.execute(status_sql.commitments(as_of)).all()
        got = {r.commitment_id: (r.category, None if r.percent is None else round(float(r.percent), 6)) for r in rows}
        want = {cid: (s.category.value, None if s.percent is None else round(s.percent, 6)) for cid, s in expected.items()}
        assert got == want, as_of
        seen |= {category for category, _ in got.values()}
        side_rows = db.session.execute(status_sql.sides(as_of)).all()
        from tracker.domain.status import side_category

        for r in side_rows:
            c = next(x for x in commitments if x.id == r.commitment_id)
            report = expected[c.id].sides.get(r.party_id)
            assert r.category == side_category(report, c.due_date, c.recurring, as_of).value
    assert len(seen) >= 5, f"the random histories should exercise most categories, saw {seen}"


@pytest.mark.parametrize("seed", [4, 5])
def test_per_day_path_agrees_with_domain(app, seed):
    """``commitments_by_day`` (the trend chart's statement) gives each cut-off what the rules give."""
    from sqlalchemy import Date, literal, union_all

    rng = random.Random(seed)
    admin = db.session.scalar(select(User).where(User.email == "admin@example.com"))
    commitments = list(db.session.scalars(select(Commitment).order_by(Commitment.id)))
    start = date(2023, 6, 1)
    for c in commitments:
        for lead in [a for a in c.assignments if a.valid_to is None and a.role == "lead"]:
            for _ in range(rng.choice([0, 1, 2, 3])):
                as_of = start + timedelta(days=rng.randrange(0, 1100))
                at = datetime.combine(as_of + timedelta(days=rng.randrange(0, 60)), datetime.min.time(),
                                      tzinfo=timezone.utc) + timedelta(hours=rng.randrange(0, 24))
                approved(c, lead, admin, rng.choice(STATES), rng.randrange(0, 100), as_of, at)
    db.session.flush()
    status.rebuild_all()
    db.session.flush()
    cutoffs = [date(2023, 6, 14), date(2024, 6, 14), date(2024, 12, 14), date(2025, 6, 14), date(2025, 12, 14)]
    days = union_all(*[select(literal(d, Date).label("day")) for d in cutoffs]).subquery("days")
    got = {}
    for r in db.session.execute(status_sql.commitments_by_day(days)):
        day = r.day if isinstance(r.day, date) else date.fromisoformat(str(r.day))
        got[(day, r.commitment_id)] = r.category
    want = {(d, cid): s.category.value for d in cutoffs for cid, s in standings(commitments, d).items()}
    assert got == want

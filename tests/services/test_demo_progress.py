"""The demonstration progress ``flask users demo`` adds on the seeded agreement: a shared
completion confirmed by the partner, another disputed with a reason, sides at risk on today's
date; every text marked as demonstration, never added twice nor beside real progress."""
from sqlalchemy import func, select

from tests.factories import approve, officer_commitment
from tracker import clock
from tracker.cli import DEMO_ACCOUNTS
from tracker.extensions import db
from tracker.models import Commitment, DeadlineExtension, ProgressUpdate, UpdateConfirmation, User
from tracker.queries import dashboard as dashboard_queries
from tracker.domain.dashboard import Filters
from tracker.services import demo_progress
from tracker.status import sql as status_sql


def _demo_users(runner):
    db.session.execute(User.__table__.delete())
    result = runner.invoke(args=["users", "demo"])
    assert result.exit_code == 0, result.output
    return result.output


def test_users_demo_demonstrates_confirmation_and_the_early_warning(app, runner):
    figures = dashboard_queries.build(Filters(), clock.today(), True)
    assert figures.at_risk == 0 and figures.disputed == 0  # the seed alone: nothing at risk, nothing disputed
    output = _demo_users(runner)
    assert "Demonstration progress on TN-BG-2023: " in output and output.count("@example.com") == 6
    states = dict(db.session.execute(select(UpdateConfirmation.state, func.count()).group_by(UpdateConfirmation.state)).all())
    assert states == {"confirmed": 1, "disputed": 1}
    disputed = db.session.scalar(select(UpdateConfirmation).where(UpdateConfirmation.state == "disputed"))
    assert disputed.reason.startswith("[Minh họa]") and disputed.actor.role == "coordinator"
    updates = db.session.scalars(select(ProgressUpdate)).all()
    assert updates and all(u.results.startswith("[Minh họa]") and u.status == "approved" for u in updates)
    assert all(u.commitment.is_demo for u in updates)
    extensions = db.session.scalars(select(DeadlineExtension)).all()
    assert len(extensions) == 3 and all(e.reason.startswith("[Minh họa]") for e in extensions)
    assert all(e.new_due_date > clock.today() for e in extensions)
    figures = dashboard_queries.build(Filters(), clock.today(), True)
    sides = db.session.execute(status_sql.sides(clock.today()).subquery().select()).mappings().all()
    # The demonstration meeting's conclusions (users demo records it too) are warned of on their own.
    conclusions = set(db.session.scalars(select(Commitment.id).where(Commitment.meeting_id.is_not(None))))
    warned_conclusions = {r["commitment_id"] for r in sides if r["at_risk"] and r["commitment_id"] in conclusions}
    # two of the three commitments given a later deadline, beside the conclusions
    assert figures.at_risk == 2 + len(warned_conclusions) and figures.disputed == 1
    risky = {(r["commitment_id"], r["party_id"]) for r in sides if r["at_risk"] and r["commitment_id"] not in conclusions}
    first, second, third = (e.commitment_id for e in sorted(extensions, key=lambda e: e.id))
    # 35 % reported and a silent side; 70 % on track beside 50 % behind; 90 % and 85 %: on track
    assert len(risky) == 3 and {c for c, _ in risky} == {first, second}
    assert demo_progress.demonstrate(extensions[0].commitment.area.agreement,
                                     db.session.scalar(select(User).where(User.email == DEMO_ACCOUNTS[0][1])),
                                     clock.today()) is None  # never twice


def test_not_beside_real_progress(app):
    from tests.factories import agreement, user
    from tracker.services import accounts

    accounts.create_user(accounts.NewUser(email="daumoi.bn@example.com", role="coordinator", name="Đầu mối BN",
                                          province="BN"), "Sông-Cầu-mùa-xuân-2026")
    db.session.commit()  # a coordinator on each side: the demonstration can be added
    assert demo_progress.demonstrate(agreement(), user(), clock.today()) is not None
    db.session.rollback()
    approve(officer_commitment())
    before = db.session.scalar(select(func.count(ProgressUpdate.id)))
    assert demo_progress.demonstrate(agreement(), user(), clock.today()) is None
    assert db.session.scalar(select(func.count(ProgressUpdate.id))) == before

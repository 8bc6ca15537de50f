"""The demonstration progress ``flask users demo`` adds on the seeded agreement: a shared
completion confirmed by the partner, another disputed with a reason, sides at risk on today's
date; every text marked as demonstration, never added twice nor beside real progress."""
from sqlalchemy import func, or_, select

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
    # The demonstration meeting's conclusions and the next phase's commitments (users demo records
    # them too) are warned of on their own.
    conclusions = set(db.session.scalars(select(Commitment.id).where(or_(Commitment.meeting_id.is_not(None),
                                                                         Commitment.carried_from_id.is_not(None)))))
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
    from tests.factories import agreement, cheap_hashes, user
    from tracker.services import accounts

    with cheap_hashes():
        accounts.create_user(accounts.NewUser(email="daumoi.bn@example.com", role="coordinator", name="Đầu mối BN",
                                              province="BN"), "Sông-Cầu-mùa-xuân-2026")
    db.session.commit()  # a coordinator on each side: the demonstration can be added
    assert demo_progress.demonstrate(agreement(), user(), clock.today()) is not None
    db.session.rollback()
    approve(officer_commitment())
    before = db.session.scalar(select(func.count(ProgressUpdate.id)))
    assert demo_progress.demonstrate(agreement(), user(), clock.today()) is None
    assert db.session.scalar(select(func.count(ProgressUpdate.id))) == before


def test_users_demo_demonstrates_the_next_phase_and_leaves_the_memorandum_meaningful(app, runner, monkeypatch):
    """tracker/data/renewal_demo.yaml: the memorandum renewed into 2026-2030 from 1 January 2026,
    five long-running commitments carried over; every earlier day of the memorandum reads as it
    did, and today it keeps the early warning, the confirmations and the meeting's conclusions."""
    from datetime import date

    from tracker.models import Agreement
    from tracker.services import seed

    eve, today = date(2025, 12, 31), clock.today()
    seen = {}
    real = seed.demo_renewal

    def figures(agreement_id):
        return {day: dashboard_queries.build(Filters(agreement=agreement_id, as_of=day), today, True)
                for day in (date(2025, 6, 30), eve, today)}

    def before_the_renewal(actor, day):
        old = db.session.scalar(select(Agreement).where(Agreement.code == "TN-BG-2023"))
        seen.update(figures(old.id))
        return real(actor, day)

    monkeypatch.setattr(seed, "demo_renewal", before_the_renewal)
    output = _demo_users(runner)
    assert "Demonstration of the next phase: TN-BG-2023 renewed into TN-BN-2026 from 2026-01-01, 5 commitments" in output
    old = db.session.scalar(select(Agreement).where(Agreement.code == "TN-BG-2023"))
    new = db.session.scalar(select(Agreement).where(Agreement.predecessor_id == old.id))
    assert new.code == "TN-BN-2026" and new.renewed_on == date(2026, 1, 1) and new.summary.startswith("[Minh họa]")
    assert [p.province.code for p in new.parties] == ["TN", "BN"]
    carried = [c for a in new.areas for c in a.commitments]
    assert sorted(c.code for c in carried) == ["3.4", "7.1", "7.4", "7.5", "8.3"]
    assert all(c.is_demo and c.carried_from.area.agreement_id == old.id and c.carried_from.removed_on == new.renewed_on
               for c in carried)
    after = figures(old.id)
    # every day before the renewal reads as it did: the memorandum's last day (its final report) too
    assert after[date(2025, 6, 30)] == seen[date(2025, 6, 30)] and after[eve] == seen[eve]
    # today the memorandum keeps everything but the five: its early warning and disputes are as they were
    was, now = seen[today], after[today]
    assert now.total == was.total - 5 and was.total > 5
    assert (now.at_risk, now.disputed) == (was.at_risk, was.disputed) and now.at_risk >= 2 and now.disputed == 1
    assert now.agencies  # the agencies panel still lists who leads the memorandum's work
    in_new = dashboard_queries.build(Filters(agreement=new.id), today, True)
    assert in_new.total == 5 and sum(in_new.categories.values()) == 5
    # the new plan's deadlines (renewal_demo.yaml): 3.4, silent past a third of its time, is at risk
    assert {c.code: c.due_date for c in carried} == {"3.4": date(2027, 12, 31), "7.1": date(2028, 12, 31), "7.4": None,
                                                     "7.5": date(2030, 6, 30), "8.3": date(2029, 6, 30)}
    assert in_new.at_risk == 1
    assert seed.demo_renewal(None, today) is None  # never twice

"""The full rebuild of the kept standings, in the background and in bounded transactions.

A change that names no commitment (the calendar, schedules, an import) or a first start leaves
``standing_state`` row 1 without a day: views compute live (``queries.dashboard.build``) and
queue ``run`` (``tracker.jobs``). At national scale a rebuild costs tens of seconds: in one
transaction it would hold SQLite's write lock, and the first viewer's request, that long.

``run`` claims row ``BUILD`` (one rebuild at a time across processes; a claim whose heartbeat
stopped for ``STALE_SECONDS`` is taken over), empties the tables, then refreshes the
commitments ``CHUNK`` at a time, each part its own short transaction. Meanwhile a write naming
its commitments refreshes their rows as usual (``standings._refresh_touched``), and one naming
none voids the build (its row's day set NULL): the build starts over rather than publish rows
computed before that change. Only at the end, in one transaction that checks the build was
not voided, are the counts and periods made and row 1 given its day: readers never see a
part-built table.
"""
from __future__ import annotations

import logging
import time
import uuid

from sqlalchemy import delete, insert, select, update

from tracker import clock
from tracker.extensions import db
from tracker.models import (Commitment, CooperationArea, Standing, StandingCount, StandingCutoff, StandingPeriod,
                            StandingState)
from tracker.status import standing_periods, standings
from tracker.status.standing_counts import recount

log = logging.getLogger(__name__)
BUILD = standings.BUILD
CHUNK = 1000  # ~0.45 s of write lock per part at national scale on SQLite (30,000 commitments: 31 parts)
INLINE = CHUNK  # up to this many commitments a view rebuilds at once (one part), more go to the queue
STALE_SECONDS = 300
ATTEMPTS = 3


def running(build) -> bool:
    """Whether the ``BUILD`` row (or None) is the claim of a rebuild still alive."""
    if build is None or not build.cutoffs:
        return False
    _token, _, beat = build.cutoffs.partition("|")
    try:
        return time.time() - float(beat) < STALE_SECONDS
    except ValueError:
        return False


def _lock(session):
    """A fresh transaction that takes the write lock first (SQLite) / locks the state rows
    (PostgreSQL); the state rows."""
    session.commit()
    if not session.execute(update(StandingState).where(StandingState.id == 1).values(id=StandingState.id)).rowcount:
        session.execute(insert(StandingState).values(id=1, day=None, cutoffs=""))
    return standings._states(session)


def _claim(session, today):
    states = _lock(session)
    build = states.get(BUILD)
    if running(build) or (states.get(1) is not None and states[1].day == today):  # at it, or done already
        session.commit()
        return None
    token = uuid.uuid4().hex
    values = {"day": today, "cutoffs": f"{token}|{time.time()}"}
    if build is None:
        session.execute(insert(StandingState).values(id=BUILD, **values))
    else:
        session.execute(update(StandingState).where(StandingState.id == BUILD).values(**values))
    session.commit()
    return token


def _ours(build, token: str) -> bool:
    return build is not None and build.cutoffs.partition("|")[0] == token


def _beat(session, token: str, day=False) -> None:
    values = {"cutoffs": f"{token}|{time.time()}"}
    if day is not False:
        values["day"] = day
    session.execute(update(StandingState).where(StandingState.id == BUILD).values(**values))


def _start(session, today, token: str, cutoffs) -> bool:
    """Empty the tables (row 1 without a day: nobody reads them) and (re)arm the build."""
    if not _ours(_lock(session).get(BUILD), token):
        session.commit()
        return False
    for table in (Standing, StandingCutoff, StandingCount, StandingPeriod):
        session.execute(delete(table))
    session.execute(update(StandingState).where(StandingState.id == 1).values(
        day=None, cutoffs=",".join(d.isoformat() for d in cutoffs)))
    _beat(session, token, today)
    session.commit()
    return True


def _publish(session, today, token: str, cutoffs) -> bool | None:
    """Counts, periods and row 1's day, if the build was not voided; None if it is not ours."""
    build = _lock(session).get(BUILD)
    if not _ours(build, token):
        session.commit()
        return None
    if build.day != today:
        session.commit()
        return False
    recount(session, None, None)
    session.execute(insert(StandingPeriod), standing_periods.period_rows(
        *standing_periods.due_periods(session, today, None, following=True)))
    session.execute(update(StandingState).where(StandingState.id == 1).values(day=today))
    session.execute(delete(StandingState).where(StandingState.id == BUILD))
    session.commit()
    return True


def run() -> None:
    """The job: rebuild every kept standing for today, unless another process is at it."""
    session = db.session
    today = clock.today()
    token = _claim(session, today)
    if token is None:
        return
    try:
        for _attempt in range(ATTEMPTS):
            cutoffs = standings.cutoff_days(today)
            if not _start(session, today, token, cutoffs):
                return
            ids = list(session.scalars(select(Commitment.id).join(CooperationArea, CooperationArea.id == Commitment.area_id)
                                       .order_by(CooperationArea.agreement_id, Commitment.id)))
            session.commit()
            for i in range(0, len(ids), CHUNK):
                build = _lock(session).get(BUILD)
                if not _ours(build, token) or build.day != today:  # taken over, or voided: publish says which
                    session.commit()
                    break
                began = time.perf_counter()
                standings.refresh(session, today, ids[i:i + CHUNK], cutoffs, count=False)
                _beat(session, token)
                session.commit()
                log.info("standings rebuilt for %d commitments in %.2f s (write lock held)", len(ids[i:i + CHUNK]),
                         time.perf_counter() - began)
            began = time.perf_counter()
            done = _publish(session, today, token, cutoffs)
            log.info("standings published in %.2f s (write lock held): %s", time.perf_counter() - began, done)
            if done is not False:
                return
    finally:
        session.rollback()
        if _ours(standings._states(session).get(BUILD), token):
            session.execute(delete(StandingState).where(StandingState.id == BUILD))
        session.commit()

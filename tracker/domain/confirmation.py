"""Partner confirmation (xác nhận của tỉnh bạn) of a shared commitment's completion.

When one side's approved lead update reports a shared commitment done (a commitment
with lead assignments in two or more party provinces), the coordinator of each other
party province is asked to confirm or dispute it. A dispute makes that update count as
not done (in progress, at its reported percent) from the dispute's day until the
disputing coordinator withdraws it; a later approved update of the side replaces it as
the side's standing in any case. The status engine applies this when it builds a side's
standing (``as_disputed``), so every surface that counts follows.

Pure rules only: no Flask, no database, no clock.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TypeVar

from tracker.domain.codes import Role
from tracker.domain.status import Progress


class State(StrEnum):
    AWAITING = "awaiting"  # Chờ tỉnh bạn xác nhận
    CONFIRMED = "confirmed"  # Tỉnh bạn đã xác nhận
    DISPUTED = "disputed"  # Tỉnh bạn không xác nhận (có lý do)
    SETTLED = "settled"  # Đã thống nhất: the dispute withdrawn, or the update replaced


class Action(StrEnum):
    CONFIRM = "confirm"
    DISPUTE = "dispute"
    WITHDRAW = "withdraw"
    REPLACE = "replace"  # a later approved update of the side


# (state, action) → next state; anything else is refused.
TRANSITIONS: dict[tuple[State, Action], State] = {
    (State.AWAITING, Action.CONFIRM): State.CONFIRMED,
    (State.AWAITING, Action.DISPUTE): State.DISPUTED,
    (State.DISPUTED, Action.WITHDRAW): State.SETTLED,
    (State.AWAITING, Action.REPLACE): State.SETTLED,
    (State.DISPUTED, Action.REPLACE): State.SETTLED,
}


class NotAllowed(ValueError):
    """The step does not apply to the confirmation's state (e.g. confirming twice)."""


def next_state(current: State | str, action: Action | str) -> State:
    try:
        return TRANSITIONS[(State(current), Action(action))]
    except KeyError:
        raise NotAllowed(f"{action} from {current}") from None


def is_shared(lead_party_ids: Iterable[int]) -> bool:
    """Shared: lead assignments in two or more party provinces."""
    return len(set(lead_party_ids)) >= 2


def partners_to_ask(state: str, role: str, party_id: int, lead_party_ids: Iterable[int]) -> list[int]:
    """The other party provinces whose coordinators must confirm an approved update.

    Only a lead update reporting DONE on a shared commitment asks anyone; the sides are the
    parties holding a lead assignment on the update's day. The reporting side never asks itself.
    """
    leads = set(lead_party_ids)
    if Progress(state) is not Progress.DONE or Role(role) is not Role.LEAD or not is_shared(leads | {party_id}):
        return []
    return sorted(leads - {party_id})


def needs_reason(action: Action | str, reason: str | None) -> bool:
    """A dispute needs a reason (after stripping); the other steps need none."""
    return Action(action) is Action.DISPUTE and not (reason or "").strip()


@dataclass(frozen=True)
class Dispute:
    """A dispute of one update, from the (Vietnam) day it was raised until the day it was withdrawn."""

    update_id: int
    disputed_on: date
    withdrawn_on: date | None = None

    def open_on(self, day: date) -> bool:
        return self.disputed_on <= day and (self.withdrawn_on is None or day < self.withdrawn_on)


def change_days(disputes: Iterable[Dispute]) -> set[date]:
    """The days a dispute changes a side's standing: raised, and withdrawn."""
    days = set()
    for d in disputes:
        days.add(d.disputed_on)
        if d.withdrawn_on is not None:
            days.add(d.withdrawn_on)
    return days


def disputed_ids(disputes: Iterable[Dispute], day: date) -> set[int]:
    return {d.update_id for d in disputes if d.open_on(day)}


def counted_state(update_id: int, state: str, disputes: Iterable[Dispute], day: date) -> str:
    """The state the status engine counts for an approved report on ``day``: a DONE under
    an open dispute counts as in progress; anything else as reported."""
    if Progress(state) is Progress.DONE and update_id in disputed_ids(disputes, day):
        return Progress.IN_PROGRESS.value
    return state


T = TypeVar("T")


def as_disputed(reports: Sequence[T], disputes: Iterable[Dispute], day: date) -> list[T]:
    """``reports`` (anything with ``update_id`` and ``state``) as the status engine must read
    them on ``day``: a DONE report under an open dispute counts as in progress."""
    disputes = list(disputes)
    return [dataclasses.replace(r, state=counted_state(r.update_id, r.state, disputes, day))  # type: ignore
            for r in reports]

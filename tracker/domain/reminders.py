"""Reminder rules: which day a reminder is due, what a notification's key is, who may read it.

Pure functions and names; ``services.reminders`` applies them to the database.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from tracker.domain.codes import NotificationKind, UserRole

# The kinds by their short names, as the services and tests use them (``codes.NotificationKind``).
DUE_SOON, OVERDUE, RETURNED, REVIEW = (NotificationKind.DUE_SOON, NotificationKind.OVERDUE, NotificationKind.RETURNED,
                                       NotificationKind.REVIEW)
AT_RISK, APPROVED, EXTENDED = NotificationKind.AT_RISK, NotificationKind.APPROVED, NotificationKind.EXTENDED
CONFIRM, DISPUTED, REPORT_READY = NotificationKind.CONFIRM, NotificationKind.DISPUTED, NotificationKind.REPORT_READY
KINDS = tuple(NotificationKind)
LANGUAGES = ("vi", "en")


def reminder_day(deadline: date, today: date, remind_days: Iterable[int] | None) -> int | None:
    """Days left until ``deadline`` when today is a reminder day, else None.

    A reminder day is one where ``deadline - today`` (in calendar days) is one of the
    schedule's ``remind_days`` ([5, 1] by default); 0 means "due today". Days after the
    deadline are never reminder days (they are overdue instead).
    """
    days = (deadline - today).days
    return days if days >= 0 and days in set(remind_days or ()) else None


def is_overdue(deadline: date, today: date, closed: bool) -> bool:
    """A period is overdue from the day after its deadline until it is closed."""
    return not closed and deadline < today


def may_see(user, restricted: bool) -> bool:
    """Restricted fields are told only to admins and cleared users (see permissions)."""
    return not restricted or user.role == UserRole.ADMIN or bool(user.cleared)


def language_of(user) -> str:
    return user.language if user.language in LANGUAGES else LANGUAGES[0]


def due_key(agreement_id: int, period_key: str, agency_id: int, days: int) -> str:
    return f"due:{agreement_id}:{period_key}:{agency_id}:{days}"


def overdue_key(agreement_id: int, period_key: str, agency_id: int) -> str:
    return f"overdue:{agreement_id}:{period_key}:{agency_id}"


def _row_key(kind: str) -> Callable[[int], str]:
    """The key of a notification about one row: ``kind:id``."""
    return lambda row_id: f"{kind}:{row_id}"


returned_key = _row_key(RETURNED)  # of an update's id, as the next four
review_key = _row_key(REVIEW)
approved_key = _row_key(APPROVED)
confirm_key = _row_key(CONFIRM)
disputed_key = _row_key(DISPUTED)
extended_key = _row_key(EXTENDED)  # of a deadline extension's id
report_key = _row_key(REPORT_READY)  # of a background report job's id


def at_risk_key(commitment_id: int, party_id: int, today: date) -> str:
    """One early warning per side and month while the side stays at risk."""
    return f"at_risk:{commitment_id}:{party_id}:{today:%Y-%m}"


@dataclass(frozen=True)
class KeyParts:
    """What a dedupe key names; the agency of a period reminder is kept only there."""

    kind: str
    agreement_id: int | None = None
    period_key: str | None = None
    agency_id: int | None = None
    days: int | None = None
    update_id: int | None = None
    extension_id: int | None = None
    job_id: int | None = None


def parse_dedupe_key(key: str) -> KeyParts | None:
    """The parts of a key made by the ``*_key`` functions above; None for anything else."""
    parts = (key or "").split(":")
    try:
        if parts[0] == "due" and len(parts) == 5:
            return KeyParts(DUE_SOON, int(parts[1]), parts[2], int(parts[3]), int(parts[4]))
        if parts[0] == "overdue" and len(parts) == 4:
            return KeyParts(OVERDUE, int(parts[1]), parts[2], int(parts[3]))
        if parts[0] in ("returned", "review") and len(parts) == 2:
            return KeyParts(RETURNED if parts[0] == "returned" else REVIEW, update_id=int(parts[1]))
        if parts[0] in (APPROVED, CONFIRM, DISPUTED) and len(parts) == 2:
            return KeyParts(parts[0], update_id=int(parts[1]))
        if parts[0] == EXTENDED and len(parts) == 2:
            return KeyParts(EXTENDED, extension_id=int(parts[1]))
        if parts[0] == REPORT_READY and len(parts) == 2:
            return KeyParts(REPORT_READY, job_id=int(parts[1]))
        if parts[0] == AT_RISK and len(parts) == 4 and parts[1].isdigit() and parts[2].isdigit():
            return KeyParts(AT_RISK)
    except ValueError:
        return None
    return None


def digest_subject(language: str, count: int, day_text: str) -> str:
    if language == "en":
        things = "1 item needs" if count == 1 else f"{count} items need"
        return f"Cooperation tracker — reminders of {day_text}: {things} your attention"
    return f"Theo dõi hợp tác liên tỉnh — nhắc việc ngày {day_text}: {count} nội dung cần xử lý"


def in_sentence(label: str, language: str) -> str:
    """A period label as it reads mid-sentence: "Năm 2026" → "năm 2026", "Second half of 2026" →
    "the second half of 2026"; month names and "Q1" keep their capitals."""
    if language == "en":
        first, _, rest = label.partition(" ")
        if first in ("First", "Second", "Nine", "Year"):
            return f"{'the ' if first != 'Year' else ''}{first.lower()} {rest}"
        return label
    return label[:1].lower() + label[1:] if label[:1] in ("N", "T", "Q") else label


@dataclass(frozen=True, order=True)
class Draft:
    """A notification to make (if not made already)."""

    user_id: int
    dedupe_key: str
    kind: str
    commitment_id: int | None = None
    update_id: int | None = None
    period_key: str | None = None
    days: int | None = None

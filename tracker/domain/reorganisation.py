"""What a merger or rename does to one open assignment (pure; no database).

An assignment held by an agency that merges into ``target`` on a date is ended the day
before and handed to the target, unless the target already holds work on the same
commitment and side: then the stronger role is kept (a lead absorbs a co-operating role).
"""
from __future__ import annotations

from enum import StrEnum


class Move(StrEnum):
    HAND_OVER = "hand_over"  # close it; the target takes the same role from the date
    CLOSE = "close"  # close it; the target already holds this role (or a stronger one)
    UPGRADE = "upgrade"  # close it and the target's co-operating role; the target leads from the date


# (role of the moving assignment, role the target already holds on that side or None) -> move
RULES: dict[tuple[str, str | None], Move] = {
    ("lead", None): Move.HAND_OVER,
    ("support", None): Move.HAND_OVER,
    ("lead", "lead"): Move.CLOSE,
    ("support", "lead"): Move.CLOSE,
    ("support", "support"): Move.CLOSE,
    ("lead", "support"): Move.UPGRADE,
}


def move_for(role: str, target_role: str | None) -> Move:
    return RULES[(role, target_role)]


__all__ = ["Move", "RULES", "move_for"]

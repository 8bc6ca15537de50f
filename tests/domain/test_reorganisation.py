"""What a merger does to one open assignment, given what the successor already holds there."""
import pytest

from tracker.domain.reorganisation import RULES, Move, move_for


@pytest.mark.parametrize("role, held, move", [
    ("lead", None, Move.HAND_OVER),
    ("support", None, Move.HAND_OVER),
    ("lead", "lead", Move.CLOSE),
    ("support", "lead", Move.CLOSE),
    ("support", "support", Move.CLOSE),
    ("lead", "support", Move.UPGRADE),
])
def test_moves(role, held, move):
    assert move_for(role, held) == move


def test_every_case_has_a_rule():
    assert set(RULES) == {(r, h) for r in ("lead", "support") for h in (None, "lead", "support")}

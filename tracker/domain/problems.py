"""A refusal by form field: what a service raises when what was typed breaks one of its rules."""
from __future__ import annotations


class Problems(ValueError):
    """``problems`` maps a form field to a problem code; the view words each code beside its field."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(", ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = problems

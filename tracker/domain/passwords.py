"""Password strength rules: length, and zxcvbn's judgement with the user's own words.

Returns problem codes; the CLI and the forms turn them into sentences in their language.
"""
from __future__ import annotations

from zxcvbn import zxcvbn

MIN_LENGTH = 12  # ASVS 4.0.3 V2.1.1
MAX_LENGTH = 200
MIN_SCORE = 3  # zxcvbn 0-4; 3 = "safely unguessable: moderate protection from offline attack"

TOO_SHORT = "too_short"
TOO_LONG = "too_long"
TOO_EASY = "too_easy"


def password_problems(password: str, user_inputs: tuple[str, ...] = ()) -> list[str]:
    """Codes of the reasons the password is refused; empty when it is acceptable.

    ``user_inputs`` (the e-mail, the name) count as known words: a password built from
    them is weak however long it is. Common passwords and keyboard runs are weak too.
    """
    if len(password) < MIN_LENGTH:
        return [TOO_SHORT]
    if len(password) > MAX_LENGTH:
        return [TOO_LONG]
    words: list[str] = []
    for value in user_inputs:
        if value:
            words.append(value)
            words.extend(part for part in value.replace("@", " ").replace(".", " ").split() if len(part) > 2)
    if zxcvbn(password[:100], user_inputs=words)["score"] < MIN_SCORE:
        return [TOO_EASY]
    return []

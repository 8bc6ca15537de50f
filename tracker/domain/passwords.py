"""Password strength rules: length, and zxcvbn's judgement with the user's own words."""
from __future__ import annotations

from zxcvbn import zxcvbn

MIN_LENGTH = 10
MAX_LENGTH = 200
MIN_SCORE = 3  # zxcvbn 0-4; 3 = "safely unguessable: moderate protection from offline attack"


def password_problems(password: str, user_inputs: tuple[str, ...] = ()) -> list[str]:
    """Reasons the password is refused, empty when it is acceptable.

    ``user_inputs`` (the e-mail, the name) count as known words: a password built from
    them is weak however long it is.
    """
    if len(password) < MIN_LENGTH:
        return [f"at least {MIN_LENGTH} characters are needed"]
    if len(password) > MAX_LENGTH:
        return [f"at most {MAX_LENGTH} characters are allowed"]
    words: list[str] = []
    for value in user_inputs:
        if value:
            words.append(value)
            words.extend(part for part in value.replace("@", " ").replace(".", " ").split() if len(part) > 2)
    result = zxcvbn(password[:100], user_inputs=words)
    if result["score"] < MIN_SCORE:
        warning = result["feedback"].get("warning") or "too easy to guess"
        return [f"too easy to guess ({warning.rstrip('.').lower()})"]
    return []

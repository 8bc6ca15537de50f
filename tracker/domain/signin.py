"""How long an account waits between sign-in attempts after many failures from anywhere.

Failed sign-ins are limited in two ways (see ``tracker.lockout``): a hard limit per
account *and* address (or known browser), so a stranger elsewhere cannot lock a user
out, and, for the account as a whole, a growing delay between attempts once failures
from all addresses together pass a free allowance: it slows a guesser spread over many
addresses without ever shutting the door on the account's owner. No CAPTCHA.
"""
from __future__ import annotations


def account_delay(failures: int, free: int, first: int, maximum: int) -> int:
    """Seconds an account waits after its latest failure, given its recent failures.

    Nothing while ``failures`` stays within ``free``; then ``first`` seconds, doubling
    with each further failure, never more than ``maximum``.
    """
    if failures <= free or maximum <= 0:
        return 0
    over = failures - free - 1
    if over >= 32:  # 2**32 s is far past any maximum; avoid huge integers
        return maximum
    return min(first * 2**over, maximum)

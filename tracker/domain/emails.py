"""E-mail addresses: the one rule every door uses (``users create``, the admin's user form,
the sign-in form), so an account that can be made can also sign in.

Syntax only: no DNS, no refusal of reserved or special-use domains. A province's intranet
mail often lives under ``.local``, ``.internal`` or ``.test``; ``localhost`` and single-label
domains are syntax too.
"""
from __future__ import annotations

import email_validator
from email_validator import EmailNotValidError, validate_email

MAX_LENGTH = 254  # RFC 5321's path limit, less the angle brackets

# email-validator refuses IANA special-use names (.local, .test, localhost, ...) even with
# deliverability checks off; its documented switch is this module-level list. Emptied once,
# process-wide: every address in this app goes through ``is_valid`` anyway.
email_validator.SPECIAL_USE_DOMAIN_NAMES.clear()


def normalise(address: str | None) -> str:
    """What is stored and looked up: trimmed and lower-case (``Moi@Example.com`` is ``moi@example.com``)."""
    return (address or "").strip().lower()


def is_valid(address: str | None) -> bool:
    """True for a plain ``local@domain`` address (internationalised allowed): no display name,
    no quoted local part, no IP-literal domain, at most 254 characters."""
    address = normalise(address)
    if not address or len(address) > MAX_LENGTH:
        return False
    try:
        validate_email(address, check_deliverability=False, globally_deliverable=False, test_environment=True,
                       allow_smtputf8=True, allow_quoted_local=False, allow_domain_literal=False,
                       allow_display_name=False, allow_empty_local=False)
    except EmailNotValidError:
        return False
    return True

"""WTForms forms, one module per concern."""
from __future__ import annotations

from wtforms.fields.choices import SelectChoice


def choices(pairs) -> list[SelectChoice]:
    """``[(value, label), ...]`` as WTForms 3.3's ``SelectChoice`` objects ('' for "any")."""
    return [SelectChoice(value="" if value is None else str(value), label=label) for value, label in pairs]

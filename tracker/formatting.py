"""Numbers, percentages and shares the way each language writes them (ui.md), for pages and charts.

Plain functions of a language code; ``tracker.i18n`` calls them with the page's language.
"""
from __future__ import annotations

from babel.numbers import format_decimal


def lang(language: str) -> str:
    """"en…" is English; anything else reads as Vietnamese."""
    return "en" if str(language).lower().startswith("en") else "vi"


def number(value: float | int, language: str) -> str:
    """1.234.567,8 in Vietnamese, 1,234,567.8 in English."""
    return format_decimal(value, locale=lang(language))


def percent(value: float, language: str) -> str:
    """A whole percentage: "45 %" in Vietnamese, "45%" in English."""
    text = format_decimal(round(value), locale=lang(language))
    return f"{text}%" if lang(language) == "en" else f"{text} %"


def share(part: int, whole: int, language: str) -> str:
    """"12/40 · 30 %": a share always shows its count, so a small denominator shows."""
    if not whole:
        return "—"
    return f"{number(part, language)}/{number(whole, language)} · {percent(100 * part / whole, language)}"


def file_size(size: int, language: str) -> str:
    """"1,2 MB" in Vietnamese, "1.2 MB" in English; under a megabyte in whole KB (at least 1)."""
    if size >= 1024 * 1024:
        return f"{format_decimal(round(size / (1024 * 1024), 1), locale=lang(language))} MB"
    return f"{number(max(1, round(size / 1024)), language)} KB"

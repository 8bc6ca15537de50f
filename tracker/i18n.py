"""Language choice and the Vietnamese-first formatting of dates and numbers."""
from __future__ import annotations

from datetime import date

from flask import Flask, current_app, request, session
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_login import current_user

from tracker import formatting
from tracker.domain.report import short_province

# Dates as Vietnamese officials write them; English as a reader in English expects.
DATE_FORMATS = {
    "vi": {"short": "dd/MM/y", "long": "'ngày' dd 'tháng' MM 'năm' y", "datetime": "HH:mm dd/MM/y"},
    "en": {"short": "d MMM y", "long": "d MMMM y", "datetime": "d MMM y, HH:mm"},
}


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if request.path.startswith("/api/") and request.accept_languages:  # the API answers in the language asked for
        return request.accept_languages.best_match(languages, default=languages[0]) or languages[0]
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages, default=languages[0]) or languages[0]


def language() -> str:
    return str(get_locale() or "vi")


def date_short(value: date | str | None) -> str:
    """dd/mm/yyyy (5 Feb 2026 in English); ISO text, as cached figures hold dates, is read first."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return format_date(value, DATE_FORMATS.get(language(), DATE_FORMATS["vi"])["short"])


def date_long(value: date | None) -> str:
    if value is None:
        return ""
    return format_date(value, DATE_FORMATS.get(language(), DATE_FORMATS["vi"])["long"])


def datetime_short(value) -> str:
    """A moment in Vietnam's time zone (the app's Babel time zone)."""
    if value is None:
        return ""
    return format_datetime(value, DATE_FORMATS.get(language(), DATE_FORMATS["vi"])["datetime"])


def number(value) -> str:
    return "" if value is None else format_decimal(value)


def file_size(value) -> str:
    """A file's size in the page's language ("1,2 MB")."""
    return "" if value is None else formatting.file_size(value, language())


def percent(value) -> str:
    """A whole percentage in the page's language ("45 %" / "45%")."""
    return "" if value is None else formatting.percent(value, language())


def share(part: int, whole: int) -> str:
    """A share with its count beside it, "12/40 · 30 %", in the page's language."""
    return formatting.share(part, whole, language())


def register_filters(app: Flask) -> None:
    app.add_template_filter(date_short, "date_short")
    app.add_template_filter(date_long, "date_long")
    app.add_template_filter(datetime_short, "datetime_short")
    app.add_template_filter(number, "number")
    app.add_template_filter(file_size, "file_size")
    app.add_template_filter(short_province, "short_province")
    app.jinja_env.globals["current_language"] = language
    app.jinja_env.globals["share"] = share

"""Language choice and the Vietnamese-first formatting of dates and numbers."""
from __future__ import annotations

from datetime import date

import flask_babel
from flask import Flask, current_app, request, session
from flask.globals import _cv_app
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


# Flask-Babel looks the catalogue up afresh for every string (the request's context, the
# domain, the locale and its name: ~100 Python calls), and a page translates dozens. The
# catalogue and the locale's name are kept beside Flask-Babel's own locale, for as long as that
# very locale object is the request's (``force_locale`` and ``refresh`` replace it).
_KEPT = "tracker_kept"


def _babel_context():
    """Flask-Babel's per-request namespace (``g._flask_babel``), or None."""
    app_context = _cv_app.get(None)
    return None if app_context is None else getattr(app_context.g, "_flask_babel", None)


def _kept():
    ctx = _babel_context()
    kept = getattr(ctx, _KEPT, None)
    if kept is not None and kept[0] is getattr(ctx, "babel_locale", None):
        return kept
    translations, locale = flask_babel.get_translations(), get_locale()
    kept = (locale, translations, str(locale or "vi"))
    ctx = _babel_context()
    if ctx is not None and locale is not None and getattr(ctx, "babel_locale", None) is locale:
        setattr(ctx, _KEPT, kept)
    return kept


def translations():
    """The request's catalogue (``flask_babel.get_translations()``), kept."""
    return _kept()[1]


def language() -> str:
    return _kept()[2]


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


def install_gettext(app: Flask) -> None:
    """Flask-Babel's template callables, over the kept catalogue."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )


def register_filters(app: Flask) -> None:
    install_gettext(app)
    app.add_template_filter(date_short, "date_short")
    app.add_template_filter(date_long, "date_long")
    app.add_template_filter(datetime_short, "datetime_short")
    app.add_template_filter(number, "number")
    app.add_template_filter(file_size, "file_size")
    app.add_template_filter(short_province, "short_province")
    app.jinja_env.globals["current_language"] = language
    app.jinja_env.globals["share"] = share

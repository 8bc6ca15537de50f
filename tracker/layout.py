"""The layout's header, kept finished: every page shows it, and rendering it (navigation, the
agreement switcher, the bell, the user menu, the language buttons) was most of what a small
signed-in page cost.

It is rendered once per (language, page, user and what the header shows of them, unread
count, change counter) in this process, with placeholders where the request's own values go:
the CSRF token of the two forms, the path the language buttons return to, and the agreement
switcher (``labels.nav_agreements``, itself kept in ``status.cache``). Those are put in on each
request. What the header shows of the user changes only with their row (in the key) or through
a service that bumps the change counter (an agency or province renamed).
"""
from __future__ import annotations

import threading
from collections import OrderedDict

from flask import Flask, render_template, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from tracker import i18n
from tracker.status import cache

ENTRIES = 512
# Private-use characters: never typed, never in a rendered name, survive autoescaping unchanged.
CSRF, NEXT, NAV = "\ue000csrf\ue000", "\ue000next\ue000", "\ue000nav\ue000"
_kept: OrderedDict[tuple, str] = OrderedDict()
_lock = threading.Lock()


def _key() -> tuple:
    user = current_user
    who: tuple = ()
    if user.is_authenticated:
        from tracker.views.notifications import unread_notifications

        who = (user.id, user.role, user.name, user.email, user.agency_id, user.province_id,
               unread_notifications(), cache.version())
    return (i18n.language(), request.script_root, request.endpoint, who)


def _render(key: tuple) -> str:
    unread = key[3][6] if key[3] else 0
    return render_template("_header.html", unread=unread, csrf_value=CSRF, next_value=NEXT,
                           nav_placeholder=Markup(NAV))  # nosec B704 # a constant


def layout_header() -> Markup:
    key = _key()
    with _lock:
        html = _kept.get(key)
        if html is not None:
            _kept.move_to_end(key)
    if html is None:
        html = _render(key)
        with _lock:
            _kept[key] = html
            while len(_kept) > ENTRIES:
                _kept.popitem(last=False)
    page = request.full_path if request.query_string else request.path
    html = html.replace(CSRF, str(escape(generate_csrf()))).replace(NEXT, str(escape(page)))
    if NAV in html:
        from tracker.labels import nav_agreements

        html = html.replace(NAV, str(nav_agreements()))
    return Markup(html)  # nosec B704 # our own template, the values put in are escaped


def forget() -> None:
    """Drop every kept header (tests: rolled-back data reuses counter values and user ids)."""
    with _lock:
        _kept.clear()


def register(app: Flask) -> None:
    app.jinja_env.globals["layout_header"] = layout_header

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

from flask import Flask, current_app, render_template, request, url_for
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
# The agreement switcher last put in, by (database, script root, change counter): one per process, as
# every page of a counter shows the same one (saves a cache read and decode of ~27 KB a page).
_nav: tuple[tuple, str] = ((), "")
# The stylesheet and script tags (Bootstrap's and ours), per script root: each is a url_for
# with a file version, the same on every page. Not kept in debug mode, where an edited file
# gets its new version without a restart.
_assets: dict[tuple, tuple[Markup, Markup]] = {}
# The longest address the language buttons return to with its query: a longer one (no link of
# ours makes one) would be sent back in every page and posted again, past what a form field may
# hold; they return to the page without it.
NEXT_MAX = 2048


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
    page = request.full_path if request.query_string and len(request.query_string) < NEXT_MAX else request.path
    html = html.replace(CSRF, str(escape(generate_csrf()))).replace(NEXT, str(escape(page)))
    if NAV in html:
        html = html.replace(NAV, _nav_html(key))
    return Markup(html)  # nosec B704 # our own template, the values put in are escaped


def _nav_html(key: tuple) -> str:
    global _nav
    nav_key = (current_app.config["SQLALCHEMY_DATABASE_URI"], key[1], key[3][7] if key[3] else cache.version())
    kept_key, html = _nav
    if kept_key != nav_key:
        from tracker.labels import nav_agreements

        html = str(nav_agreements())
        _nav = (nav_key, html)
    return html


def asset_tags(where: str) -> Markup:
    """``head``: the stylesheets and icon; ``foot``: Bootstrap's scripts."""
    key = (request.script_root,)
    tags = _assets.get(key)
    if tags is None:
        bootstrap = current_app.extensions["bootstrap"]
        head = Markup("\n  ").join((
            bootstrap.load_css(),
            Markup('<link rel="stylesheet" href="{}">').format(url_for("static", filename="css/app.css")),
            Markup('<link rel="icon" href="{}" type="image/svg+xml">').format(url_for("static", filename="favicon.svg")),
        ))
        tags = (head, bootstrap.load_js())
        if not current_app.debug:
            _assets[key] = tags
    return tags[0] if where == "head" else tags[1]


def kept_body(name: str, parts: tuple, render) -> Markup:
    """A page's body as ``render()`` makes it, kept finished in ``status.cache`` under ``parts``
    (and the change counter), with this session's CSRF token left out of what is kept and put
    back in on each request. ``parts`` must hold everything else the body shows."""
    body = cache.remember(name, parts, lambda: render().replace(generate_csrf(), CSRF))
    return Markup(body.replace(CSRF, str(escape(generate_csrf()))))  # nosec B704 # our own rendered template


def forget() -> None:
    """Drop every kept header (tests: rolled-back data reuses counter values and user ids)."""
    global _nav
    with _lock:
        _kept.clear()
        _nav = ((), "")


def register(app: Flask) -> None:
    app.jinja_env.globals["layout_header"] = layout_header
    app.jinja_env.globals["asset_tags"] = asset_tags

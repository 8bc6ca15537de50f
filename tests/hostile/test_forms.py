"""Every form field of every POST route answers hostile input without a 500, keeps it inert,
and stores it clean (``domain.text.clean_text``) or refuses it with a message.

Routes come from ``app.url_map`` and fields from the pages' HTML (see this folder's
conftest), so a new route or field is covered without editing this file. Two requests per
hostile value and form keep the cross product small:
- "text": every free-text field (inputs of a text type, textareas) set to the value, the
  rest as rendered, so the text can reach the database and be compared there;
- "all": every field (hidden, selects, radios, dates, checkboxes, file names) set to it.
"""
from __future__ import annotations

import json
import secrets
import time
from contextlib import contextmanager
from datetime import date
from functools import lru_cache

import pyotp
import pytest
from sqlalchemy import JSON, String, Text, bindparam, cast, delete, literal_column, select, union_all
from sqlalchemy.types import TypeDecorator
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from tests.client import sign_in
from tests.conftest import _TestSession, rolled_back, shared_transaction
from tests.factories import ACCOUNTS, PASSWORD, PDF_BYTES, TODAY
from tests.hostile.conftest import (
    FILLERS,
    HOSTILE_VALUES,
    RAW_MARKUP,
    SEEN,
    TALLY,
    TEXT_INPUT_TYPES,
    as_bytes,
    endpoint_of,
    form_path,
    multipart,
    parse_forms,
    stored_forms,
    token_of,
    urlencoded,
)
from tests.test_permissions import url_ids
from tests.views.test_edge import _path
from tracker import create_app
from sqlalchemy.orm import sessionmaker

from tracker import layout
from tracker.extensions import db, limiter
from tracker.status import cache as figure_cache
from tracker.models import CalendarDay, Notification, User
from tracker import crypto
from tracker.permissions import ENDPOINT_ACCESS, Access
from tracker.services import tokens

# Who looks for each form, least privileged first (None: signed out).
ROLE_ORDER = (None, "officer", "admin", "coordinator", "viewer")
# Pages that answer something other than a page with forms.
NOT_PAGES = {"static", "bootstrap.static", "assets.plotly", "main.healthz", "main.dashboard_json",
             "periods.board_xlsx", "profile.two_factor_qr", "progress.evidence"}


def _post_endpoints() -> list[str]:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    # The JSON API takes JSON, not forms: tests/api (schemathesis included) sends it hostile bodies.
    return sorted({rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods
                   and not rule.endpoint.startswith("api.")})


POST_ENDPOINTS = _post_endpoints()


def _pending_code_sign_in(client) -> None:
    """The two-factor step needs a sign-in waiting for its code (the admin's, here)."""
    user_id = db.session.scalar(select(User.id).where(User.email == ACCOUNTS["admin"].email))
    with client.session_transaction() as session:
        session["pending_sign_in"] = {"user_id": user_id, "at": time.time(), "next": ""}


# What a signed-out visitor needs before a page shows its form.
PREPARE_SIGNED_OUT = (_pending_code_sign_in,)


# A page whose path argument is not the id of the same name (the edit page is a draft's).
PAGE_ARGUMENTS = {"progress.edit": {"update_id": "draft_id"}, "reports.status": {"fmt": "report_fmt"}}
ALL_FIELDS_EVERY = 3
NUMBERS_AND_DATES = {"huge_number", "negative_number", "float_overflow", "date_far", "date_zero", "date_ancient"}


def fresh_objects(app) -> dict:
    """``url_ids``' objects (a submitted update, a draft, a declared day…) made again, plus an
    unread notification for every account (the "mark all read" form shows only then),
    two-factor enrolment begun (the code form shows only then) and an API token each (the
    token page shows "revoke" only then)."""
    db.session.execute(delete(CalendarDay).where(CalendarDay.day == date(2026, 2, 21)))
    ids = url_ids(app)
    ids["report_fmt"] = "docx"  # the Word report's page: a large one shows the form that queues it
    for user in db.session.scalars(select(User)):
        db.session.add(Notification(user_id=user.id, kind="returned", dedupe_key=secrets.token_hex(8),
                                    update_id=ids["update_id"]))
        if not user.totp_enabled:  # sealed with the app's key, as the "begin" button does
            user.totp_secret_encrypted = crypto.seal(
                crypto.totp_fernet(app.config["SECRET_KEY"], app.config.get("TOTP_KEYS")), pyotp.random_base32())
    for account in db.session.scalars(select(User)):  # an API token each: the token page shows "revoke"
        tokens.create(account, actor=None, today=TODAY)
    db.session.commit()
    return ids


def page_path(app, rule, ids) -> str:
    chosen = {**ids, **{arg: ids[key] for arg, key in PAGE_ARGUMENTS.get(rule.endpoint, {}).items()}}
    return _path(app, rule, chosen)


def _signed_in_client(app, role, signed_in=None):
    """A client of ``role``; with ``signed_in`` (role -> cookies of a sign-in made for the
    module, see ``module_objects``), that sign-in's cookies instead of signing in again."""
    client = app.test_client()
    if role is None:
        for prepare in PREPARE_SIGNED_OUT:
            prepare(client)
    elif signed_in is not None and role in signed_in:
        client._cookies.update(signed_in[role])
    else:
        response = sign_in(client, ACCOUNTS[role].email)
        assert response.status_code == 302, f"{role} cannot sign in"
    return client


def _module_set_up(app) -> tuple[dict, dict]:
    """``fresh_objects`` and a sign-in of every role (its cookies), made once for the module."""
    ids = fresh_objects(app)
    signed_in = {}
    for role in ROLE_ORDER[1:]:
        signed_in[role] = dict(_signed_in_client(app, role)._cookies)
        limiter.reset()
    db.session.commit()
    return ids, signed_in


def _html_pages(app, ids):
    """Pages that take forms back first: most forms post to the page that shows them."""
    rules = [r for r in app.url_map.iter_rules() if "GET" in r.methods and r.endpoint not in NOT_PAGES]
    rules.sort(key=lambda r: "POST" not in r.methods)
    for rule in rules:
        yield rule, page_path(app, rule, ids)


@pytest.fixture(scope="module", autouse=True)
def large_reports(app):
    """Every Word or PDF report counts as large in this module, so its page shows the form that
    queues it in the background (``reports.job_new``) for the walk to find; the queued job is
    not run here (tests/views/test_report_jobs.py runs it both ways)."""
    patch = pytest.MonkeyPatch()
    patch.setitem(app.config, "REPORT_DOCUMENT_MAX_ROWS", 0)
    patch.setattr("tracker.jobs.enqueue_long", lambda target, *args: None)
    yield
    patch.undo()


@pytest.fixture(scope="module")
def module_set_up(app):
    """``_module_set_up``, made once for the module: each test runs in a savepoint of the
    module's transaction (tests.conftest.shared_transaction) and so finds the objects made
    and every role signed in; each hostile request runs in a savepoint of the test's, rolled
    back after its checks (``Walk.attempt``), so none uses an object up for the next."""
    with shared_transaction(app, lambda: _module_set_up(app)) as made:
        yield made


@pytest.fixture(scope="module")
def module_objects(module_set_up):
    return module_set_up[0]


@pytest.fixture(scope="module")
def signed_in(module_set_up):
    return module_set_up[1]


@pytest.fixture(scope="module")
def discovered(app, module_objects, signed_in):
    """post endpoint -> (role, GET endpoint of the page that shows its form), from crawling."""
    found: dict[str, tuple[str | None, str]] = {}
    with rolled_back(app):
        ids = dict(module_objects)
        for role in ROLE_ORDER:
            if set(POST_ENDPOINTS) <= set(found):
                break
            client = _signed_in_client(app, role, signed_in)
            for rule, path in _html_pages(app, ids):
                allowed = ENDPOINT_ACCESS.get(rule.endpoint)
                if allowed is not Access.PUBLIC and (role is None or allowed is None or role not in allowed.roles):
                    continue
                if set(POST_ENDPOINTS) <= set(found):
                    break
                with client.get(path) as response:
                    if response.status_code != 200 or response.mimetype != "text/html":
                        continue
                    page = response.get_data(as_text=True)
                for form in parse_forms(page):
                    if not form.is_post:
                        continue
                    endpoint = endpoint_of(app, form_path(form, path))
                    if endpoint is not None and endpoint not in found:
                        found[endpoint] = (role, rule.endpoint)
            limiter.reset()
    return found


# --- One request ------------------------------------------------------------------------------

class Walk:
    """Fetches the form's page once (signing in again or making fresh objects when needed) and
    posts each hostile value to it, every post in its own savepoint (``attempt``)."""

    def __init__(self, app, endpoint, role, page_endpoint, ids, signed_in=None):
        self.app, self.endpoint, self.role, self.page_endpoint = app, endpoint, role, page_endpoint
        self.client = _signed_in_client(app, role, signed_in)
        self.ids = dict(ids)  # fresh: made for the module, rolled back after every test
        self.n = 0
        self.cached = None
        self.saved = False  # the last post was accepted (302)
        self.dead_ends: set[tuple] = set()  # forms whose accepted post leads to no other form here

    @contextmanager
    def attempt(self):
        """One hostile request and its checks in a savepoint of the test's transaction.

        As in a browser, an accepted post can lead to another form posting here (removing a
        commitment shows the form that restores it): the page is fetched again and, if so,
        what the post did is kept (savepoint released, cookies as they are) and the walk
        goes on with that form. Otherwise everything is as before it: the savepoint rolled
        back (as ``rolled_back`` does for a test) and the client's cookies put back, so the
        next value is posted with the same form, CSRF token and objects: a post that used
        its object up (approved, closed, removed…) or signed out costs no new objects, no
        new sign-in and no new page. The page is fetched again only until a form's
        accepted post has once led nowhere new."""
        self.form()  # outside: the page's first rendering puts the CSRF token in the session
        cookies = dict(self.client._cookies)
        self.saved = keep = False
        with _savepoint(self.app) as savepoint:
            yield
            form, _path = self.cached
            shape = tuple(form.names())
            if self.saved and shape not in self.dead_ends:
                found = self._fetch()
                keep = isinstance(found, tuple) and tuple(found[0].names()) != shape  # not gone, not signed out
                if keep:
                    self.cached = found
                else:
                    self.dead_ends.add(shape)
            savepoint.keep = keep
        if not keep:
            self.client._cookies.clear()
            self.client._cookies.update(cookies)

    def _page_path(self):
        rule = next(r for r in self.app.url_map.iter_rules() if r.endpoint == self.page_endpoint and "GET" in r.methods)
        return page_path(self.app, rule, self.ids)

    def form(self):
        """(form, page path): the first form on the page that posts to the endpoint, fetched
        once: every post is undone after its checks (``attempt``)."""
        if self.cached is not None:
            return self.cached
        for _attempt in range(3):
            found = self._fetch()
            if found == "signed out":
                self.client = _signed_in_client(self.app, self.role)  # the session ended meanwhile
                continue
            if found is not None:
                self.cached = found
                return self.cached
            self.ids = fresh_objects(self.app)  # the objects are not as the page needs them
            limiter.reset()
        raise AssertionError(f"{self.endpoint}: no form on {self.page_endpoint} after 3 attempts")

    def _fetch(self):
        """(form, page path) of the page's first form posting to the endpoint; None when it
        shows none; "signed out" when the page sends to the sign-in."""
        path = self._page_path()
        if self.role is None:
            for prepare in PREPARE_SIGNED_OUT:
                prepare(self.client)
        with self.client.get(path) as response:
            page = response.get_data(as_text=True)
            location = response.headers.get("Location", "")
        if response.status_code == 302 and "/login" in location:
            return "signed out"
        for form in parse_forms(page) if response.status_code == 200 else []:
            if form.is_post and endpoint_of(self.app, form_path(form, path)) == self.endpoint:
                return form, path
        return None

    def post(self, name, value, batch):
        """Post the form with ``value`` in the batch's fields; None when the batch has no field here."""
        form, page_path = self.form()
        if batch == "text" and name in NUMBERS_AND_DATES:
            return None  # plain strings in a text field: the "all" batch sends them to every field
        self.n += 1
        values = {name: [v.encode() for v in vs] for name, vs in form.values().items()}
        for f in form.fields:
            if f.kind == "password":
                values[f.name] = [PASSWORD.encode()]
            elif f.name in FILLERS and not any(values.get(f.name, [])):
                values[f.name] = [FILLERS[f.name](self.n).encode()]
        if batch == "text":
            targets = [f.name for f in form.fields if f.kind == "textarea" or f.kind in TEXT_INPUT_TYPES]
            targets = [t for t in dict.fromkeys(targets) if t not in FILLERS]
            if not targets:
                return None
        else:
            targets = [name for name in form.names() if name != "csrf_token"] or ["csrf_token"]
        for name in targets:
            values[name] = [as_bytes(value)]
        files = []
        if batch == "all":
            files = [(f.name, as_bytes(value) + b".pdf", PDF_BYTES) for f in form.fields if f.kind == "file"]
        pairs = [(name, v) for name, vs in values.items() for v in vs]
        if form.enctype == "multipart/form-data":
            boundary = "hostile" + secrets.token_hex(8)
            body = multipart(pairs, files, boundary)
            content_type = f"multipart/form-data; boundary={boundary}"
        else:
            body = urlencoded(pairs)
            content_type = "application/x-www-form-urlencoded"
        target = form_path(form, page_path)
        response = self.client.post(target, data=body, content_type=content_type,
                                    headers={"Referer": "http://localhost" + page_path})
        TALLY["form_requests"] += 1
        TALLY["form_inputs"] += len(targets) + len(files)
        SEEN["routes"].add(self.endpoint)
        SEEN["forms"].add((self.endpoint, self.page_endpoint))
        SEEN["fields"].update((self.endpoint, name) for name in form.names() if name != "csrf_token")
        self.saved = response.status_code == 302
        parsed = Unlimited(EnvironBuilder(method="POST", data=body, content_type=content_type).get_environ())
        received = parsed.form
        parsed.close()
        return response, targets, received


class _Savepoint:
    keep = False  # released (what the request did stays for the rest of the test) or rolled back


@contextmanager
def _savepoint(app):
    """A savepoint of the test's transaction that ``db.session`` works inside, as
    ``tests.conftest.rolled_back`` makes one for a test, rolled back at the end unless
    ``keep`` is set; the in-memory caches and the throttle start afresh, as for a test."""
    with app.app_context():
        limiter.reset()
        figure_cache.memory.clear()
        layout.forget()
    connection = db.session.get_bind()
    nested = connection.begin_nested()
    original = db.session
    db.session = _TestSession(sessionmaker(bind=connection, join_transaction_mode="create_savepoint"))
    made = _Savepoint()
    try:
        yield made
    finally:
        db.session.close_for_good()
        db.session = original
        if made.keep:
            nested.commit()
        else:
            nested.rollback()


class Unlimited(Request):
    """Reads the body as the app does, without the size limits (the app has its own)."""

    max_form_memory_size = None
    max_form_parts = None


# --- What the database holds -----------------------------------------------------------------------

def _text_columns():
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            kind = column.type.impl if isinstance(column.type, TypeDecorator) else column.type
            if isinstance(kind, (String, Text, JSON)):
                yield column


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(k)
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)


@lru_cache(maxsize=None)
def _json_columns() -> frozenset[str]:
    return frozenset(f"{c.table.name}.{c.name}" for c in _text_columns()
                     if isinstance(c.type.impl if isinstance(c.type, TypeDecorator) else c.type, JSON))


@lru_cache(maxsize=None)
def _stored_like():
    return union_all(*(
        select(literal_column(f"'{c.table.name}.{c.name}'", Text).label("at"), cast(c, Text).label("text"))
        .where(cast(c, Text).like(bindparam("pattern"))) for c in _text_columns()))


def stored_with(token: str) -> list[tuple[str, str]]:
    """(table.column, text) for every stored string that contains ``token``: every text column
    of every table searched in one statement (a JSON column as its JSON text, read back)."""
    found = []
    for at, stored in db.session.execute(_stored_like(), {"pattern": f"%{token}%"}):
        for text in _strings(json.loads(stored) if at in _json_columns() else stored):
            if token in text:
                found.append((at, text))
    return found


def has_message(page: str) -> bool:
    return "invalid-feedback" in page or 'class="alert' in page or '<h1 class="h3">' in page


def _check(walk, value_name, value, batch, response, targets, received, problems):
    """``received``: the form as Werkzeug reads the body (invalid UTF-8 in a URL-encoded body
    stays percent-escaped; in multipart it becomes U+FFFD)."""
    status = response.status_code
    where = f"{walk.endpoint} [{batch}] {value_name}"
    if status >= 500:
        problems.append(f"{where}: {status}")
        return
    if response.mimetype == "text/html":
        page = response.get_data(as_text=True)
        raw = [m for m in RAW_MARKUP if m in page]
        if raw:
            problems.append(f"{where}: raw markup in the page {raw}")
        if status >= 400 or status == 200:
            TALLY["refused"] += 1
            if not has_message(page):
                problems.append(f"{where}: {status} without a message")
        # What was typed is shown again, as typed (free text only: passwords are never echoed).
        if len(page) > 300_000:  # a megabyte typed: parsing the page again would take seconds
            if batch == "text" and status != 302 and not any(received.get(n, "") in page for n in targets):
                problems.append(f"{where}: the typed text is not shown again")
            return _check_stored(walk, where, value, status, targets, received, problems)
        for form in parse_forms(page):
            if not (form.is_post and endpoint_of(walk.app, form_path(form, "/")) in (walk.endpoint, None)):
                continue
            shown = {f.name: f.value for f in form.fields if f.kind == "textarea" or f.kind in TEXT_INPUT_TYPES - {"password"}}
            for name in targets:
                typed = received.get(name, "")
                if name in shown and batch == "text" and shown[name] != typed:
                    problems.append(f"{where}: field {name} shows {shown[name][:60]!r}, typed {typed[:60]!r}")
            break
    _check_stored(walk, where, value, status, targets, received, problems)


# Columns whose text quotes typed text inside a longer text of its own: the mail written at
# the moment of a return or an extension (services.notify) quotes the reason in its body.
QUOTING_COLUMNS = {"outbox_mail.body"}


def _check_stored(walk, where, value, status, targets, received, problems):
    if status == 302 and token_of(value):
        allowed = set().union(*(stored_forms(received.get(name, "")) for name in targets))
        for column, text in stored_with(token_of(value)):
            TALLY["stored_compared"] += 1
            if column in QUOTING_COLUMNS and any(a and a in text for a in allowed):
                continue  # a plain-text mail quotes what was typed, as typed, among its own lines
            if text not in allowed:
                problems.append(f"{where}: {column} holds {text[:80]!r}, expected one of {sorted(a[:80] for a in allowed)}")


@pytest.mark.parametrize("endpoint", POST_ENDPOINTS)
def test_every_field_survives_hostile_input(app, endpoint, module_objects, signed_in, discovered, no_propagation):
    assert endpoint in discovered, (
        f"{endpoint}: no page shows a form posting here to any role; add what the page needs to "
        "PREPARE_SIGNED_OUT or the crawl in this file")
    role, page_endpoint = discovered[endpoint]
    walk = Walk(app, endpoint, role, page_endpoint, module_objects, signed_in)
    problems: list[str] = []
    offset = POST_ENDPOINTS.index(endpoint)
    for i, (value_name, value) in enumerate(HOSTILE_VALUES):
        # Every value in every free-text field; in every field, a third of the values (a
        # different third for each route, so each value reaches a third of the routes).
        for batch in ("text", "all") if (i + offset) % ALL_FIELDS_EVERY == 0 else ("text",):
            with walk.attempt():
                sent = walk.post(value_name, value, batch)
                if sent is None:
                    continue
                response, targets, received = sent
                with response:
                    _check(walk, value_name, value, batch, response, targets, received, problems)
    assert problems == []

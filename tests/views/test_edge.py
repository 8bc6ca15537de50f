"""Answers every route keeps (contract, "HTTP"): malformed or out-of-range parameters and path
ids answer 400 or 404, or the page's default; never 500.

The routes come from ``app.url_map``, so a new route is covered without editing this file.
"""
from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter

from tests.client import sign_in
from tests.conftest import shared_transaction
from tests.factories import ACCOUNTS
from tests.test_permissions import url_ids
from tracker import exports
from tracker.extensions import db, limiter

HUGE = 2**63
INT4_OVERFLOW = 2**31
# Query parameters every GET route is sent, one at a time.
HOSTILE_QUERIES = [
    {"page": "-3"},
    {"page": "abc"},
    {"page": str(HUGE)},
    {"page": str(INT4_OVERFLOW - 1)},
    {"as_of": "9999-12-31"},
    {"as_of": "0001-01-01"},
    {"as_of": "abc"},
    {"agreement": "99999999999999999999"},
    {"agreement": "-1"},
    {"area": "-1"},
    {"area": str(HUGE)},
    {"agency": str(HUGE)},
    {"province": str(INT4_OVERFLOW)},
    {"due_within": str(HUGE)},
    {"field": str(HUGE)},
    {"supersedes": str(HUGE)},
    {"period": "9999-H9"},
]
# Routes whose arguments are not ids: what to put in them.
NON_ID_ARGUMENTS = {"fmt": "csv", "filename": "css/app.css", "name": "by_field"}


def _get_rules(app):
    return [rule for rule in app.url_map.iter_rules() if "GET" in rule.methods]


def _get_endpoints() -> list[str]:
    """Every GET endpoint, known when the tests are collected (one test each, so they spread
    over processes)."""
    from tracker import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    return sorted({rule.endpoint for rule in _get_rules(app)})


GET_ENDPOINTS = _get_endpoints()


def _rule(app, endpoint: str):
    return next(rule for rule in _get_rules(app) if rule.endpoint == endpoint)


def _int_arguments(rule) -> set[str]:
    return {name for name, converter in rule._converters.items() if isinstance(converter, IntegerConverter)}


def _path(app, rule, ids, **override) -> str:
    values = {}
    for name in rule.arguments:
        if name in override:
            values[name] = override[name]
        elif name in ids:
            values[name] = ids[name]
        elif name == "version":
            from tracker.views.assets import PLOTLY_JS_VERSION

            values[name] = PLOTLY_JS_VERSION
        else:
            assert name in NON_ID_ARGUMENTS, f"{rule.rule}: give this test a value for <{name}>"
            values[name] = NON_ID_ARGUMENTS[name]
    with app.test_request_context():
        return app.url_map.bind("localhost").build(rule.endpoint, values)


SIGNED_IN_ROLES = ("admin", "viewer")


def _set_up(app) -> tuple[dict, dict]:
    """``url_ids``' objects, and the cookies of a sign-in of each of ``SIGNED_IN_ROLES``."""
    ids = url_ids(app)
    cookies = {}
    for role in SIGNED_IN_ROLES:
        client = app.test_client()
        response = sign_in(client, ACCOUNTS[role].email)
        assert response.status_code == 302, f"{role} cannot sign in"
        cookies[role] = dict(client._cookies)
        limiter.reset()
    db.session.commit()
    return ids, cookies


@pytest.fixture(scope="module")
def edge_set_up(app):
    """``_set_up``, made once for the module; each test runs in a savepoint of the module's
    transaction (tests.conftest.shared_transaction), rolled back after it, and so finds the
    objects made and the roles signed in (once for the module, not once a test)."""
    with shared_transaction(app, lambda: _set_up(app), keep_standings=True) as made:
        yield made


@pytest.fixture(scope="module")
def edge_ids(edge_set_up):
    return edge_set_up[0]


@pytest.fixture
def signed_in(app, edge_set_up):
    """``signed_in("admin")``: a client with the module's sign-in of that role."""
    def _client(role: str):
        client = app.test_client()
        client._cookies.update(edge_set_up[1][role])
        return client

    return _client


def _to_sign_in(response) -> bool:
    return response.status_code == 302 and "/login" in response.headers.get("Location", "")


def _still_signed_in(client) -> bool:
    """A walk that only asserts "no 500" must not pass by being sent to the sign-in: after an
    answer that sends there (the code step does, to anyone without a sign-in waiting), the
    module's sign-in is checked to be still good."""
    with client.get("/profile") as response:
        return response.status_code == 200


@pytest.fixture
def no_propagation(app, monkeypatch):
    """Let a crash answer 500 as in production, so every offender is listed at once."""
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)


def test_every_int_path_argument_beyond_the_database_range_answers_404(app, edge_ids, signed_in, no_propagation):
    client = signed_in("admin")
    ids = edge_ids
    tried, wrong = 0, []
    for rule in _get_rules(app):
        names = _int_arguments(rule)
        for name in names:
            for value in (HUGE, INT4_OVERFLOW, 0):
                path = _path(app, rule, ids, **{name: value})
                with client.get(path) as response:
                    tried += 1
                    if response.status_code != 404:
                        wrong.append((path, response.status_code))
    assert tried >= 10  # the walk found the id routes
    assert wrong == []


@pytest.mark.parametrize("endpoint", GET_ENDPOINTS)
def test_every_get_route_survives_hostile_query_parameters(app, edge_ids, signed_in, no_propagation, endpoint):
    client = signed_in("admin")
    base = _path(app, _rule(app, endpoint), edge_ids)
    crashed, sent_to_sign_in = [], False
    for query in HOSTILE_QUERIES:
        with client.get(base, query_string=query) as response:
            if response.status_code >= 500:
                crashed.append((base, query, response.status_code))
            sent_to_sign_in |= _to_sign_in(response)
    assert crashed == []
    assert not sent_to_sign_in or _still_signed_in(client)


@pytest.mark.parametrize("path", ["/", "/dashboard.json", "/commitments"])
@pytest.mark.parametrize("as_of", ["9999-12-31", "0001-01-01", "1899-12-31", "2200-01-01", "abc"])
def test_a_date_out_of_range_falls_back_to_today(signed_in, path, as_of):
    client = signed_in("viewer")
    today_answer = client.get(path)
    response = client.get(path, query_string={"as_of": as_of})
    assert response.status_code == 200
    if path == "/dashboard.json":
        assert response.get_json()["as_of"] == today_answer.get_json()["as_of"]


@pytest.mark.parametrize("fmt", sorted(exports.FORMATS))
@pytest.mark.parametrize("as_of", ["9999-12-31", "0001-01-01", "abc"])
def test_report_file_refuses_a_date_out_of_range_with_400(signed_in, fmt, as_of, no_propagation):
    response = signed_in("viewer").get(f"/reports/status.{fmt}", query_string={"as_of": as_of})
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.get_data(as_text=True)


@pytest.mark.parametrize("value", ["-3", "0", "abc", str(HUGE)])
def test_a_bad_page_number_shows_the_first_page(signed_in, value):
    client = signed_in("admin")
    first = client.get("/commitments").get_data(as_text=True)
    response = client.get("/commitments", query_string={"page": value})
    assert response.status_code == 200
    assert response.get_data(as_text=True).count("/commitments/") == first.count("/commitments/")


@pytest.mark.parametrize("value", [str(HUGE), str(INT4_OVERFLOW), "99999999999999999999", "-1", "1e3", "abc"])
def test_an_id_filter_out_of_range_means_no_filter(signed_in, value):
    client = signed_in("viewer")
    unfiltered = client.get("/dashboard.json").get_json()
    for name in ("agreement", "area", "province", "agency"):
        response = client.get("/dashboard.json", query_string={name: value})
        assert response.status_code == 200, name
        body = response.get_json()
        assert (body["total"], body["categories"]) == (unfiltered["total"], unfiltered["categories"]), name


def test_periods_for_an_agreement_id_out_of_range_is_404(signed_in):
    client = signed_in("viewer")
    assert client.get("/periods", query_string={"agreement": str(HUGE)}).status_code == 404
    assert client.get("/periods", query_string={"agreement": str(INT4_OVERFLOW)}).status_code == 404


@pytest.mark.parametrize("agreement", ["abc", str(HUGE), str(INT4_OVERFLOW), "-1"])
def test_report_builder_with_a_bad_agreement_shows_the_first_one(signed_in, agreement, no_propagation):
    from tests.client import csrf_token

    client = signed_in("viewer")
    response = client.post("/reports", data={"csrf_token": csrf_token(client, "/reports"), "agreement": agreement,
                                             "fmt": "csv", "profile": "state"})
    assert response.status_code in (200, 302)
    assert "agreement=" + agreement not in response.headers.get("Location", "")


def _get_form_parameters(app, client, ids) -> dict[str, set[str]]:
    """Every page's GET (filter) form fields, by the endpoint the form submits to."""
    from tests.hostile.conftest import endpoint_of, form_path, parse_forms

    found: dict[str, set[str]] = {}
    for rule in _get_rules(app):
        path = _path(app, rule, ids)
        with client.get(path) as response:
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            page = response.get_data(as_text=True)
        for form in parse_forms(page):
            endpoint = endpoint_of(app, form_path(form, path), "GET")
            if not form.is_post and endpoint:
                found.setdefault(endpoint, set()).update(form.names())
    return found


@pytest.fixture(scope="module")
def form_parameters(app, edge_set_up):
    """(every parameter name the app reads, each page's GET form fields by endpoint): crawled once."""
    from tests.conftest import rolled_back

    edge_ids, cookies = edge_set_up
    with rolled_back(app):
        client = app.test_client()
        client._cookies.update(cookies["admin"])
        by_page = _get_form_parameters(app, client, edge_ids)
    names = sorted({name for query in HOSTILE_QUERIES for name in query}.union(*by_page.values()) | {"next", "year"})
    return names, by_page


def test_the_hostile_walk_reaches_the_routes_and_parameters(form_parameters):
    names, by_page = form_parameters
    assert len(GET_ENDPOINTS) >= 30 and "q" in names and len(by_page) >= 3


class _Sender:
    """Sends hostile query strings; lists what crashed and what echoed markup raw."""

    def __init__(self, client):
        self.client, self.crashed, self.raw, self.sent_to_sign_in = client, [], [], False

    def __call__(self, path, pairs, label):
        from tests.hostile.conftest import RAW_MARKUP, TALLY, urlencoded

        with self.client.get(path, query_string=urlencoded(pairs).decode("ascii")) as response:
            TALLY["query_requests"] += 1
            self.sent_to_sign_in |= _to_sign_in(response)
            if response.status_code >= 500:
                self.crashed.append((path, label, response.status_code))
            elif response.mimetype == "text/html" and any(m in response.get_data(as_text=True) for m in RAW_MARKUP):
                self.raw.append((path, label))


def _window(start: int, size: int):
    """The values every parameter gets (inert markup; NUL, which PostgreSQL refuses), then
    ``size`` others in turn."""
    from tests.hostile.conftest import HOSTILE_VALUES

    values = dict(HOSTILE_VALUES)
    others = [(label, value) for label, value in HOSTILE_VALUES if label not in ("script", "nul", "one_megabyte")]
    return [(label, values[label]) for label in ("script", "nul")] + [
        others[(start * size + k) % len(others)] for k in range(size)]


@pytest.mark.parametrize("endpoint", GET_ENDPOINTS)
def test_every_get_route_survives_hostile_text_in_every_parameter(app, edge_ids, signed_in, no_propagation,
                                                                   form_parameters, endpoint):
    """Script, SQL, format strings, NUL, bidi, invalid UTF-8 (``%C3%28``, a lone surrogate
    ``%ED%A0%80``), decomposed Vietnamese and 1 MB in every parameter the app reads: all
    parameters at once on the route, then each alone if the route is the page whose filter
    form has it; each route and parameter gets the markup value and a rotating share of the
    others, so every value reaches many routes and parameters without the full cross product.
    The parameters come from the pages' GET forms and ``HOSTILE_QUERIES``; markup never comes
    back raw."""
    from tests.hostile.conftest import HOSTILE_VALUES, SEEN, as_bytes

    names, by_page = form_parameters
    megabyte = dict(HOSTILE_VALUES)["one_megabyte"]
    send = _Sender(signed_in("admin"))
    base = _path(app, _rule(app, endpoint), edge_ids)
    SEEN["query_routes"].add(endpoint)
    for label, value in _window(GET_ENDPOINTS.index(endpoint), 5):
        send(base, [(name, as_bytes(value)) for name in names], label)
    send(base, [("q", as_bytes(megabyte))], "q=one_megabyte")  # a megabyte in every parameter would be 40 MB
    every_field = [(page, name) for page, fields in sorted(by_page.items()) for name in sorted(fields)]
    for k, (page, name) in enumerate(every_field, start=1):
        if page != endpoint:
            continue
        SEEN["query_params"].add((endpoint, name))
        for label, value in _window(k, 6) + [("one_megabyte", megabyte)]:
            send(base, [(name, as_bytes(value))], f"{name}={label}")
    SEEN["query_params"].update(("*", name) for name in names)
    assert send.crashed == []
    assert send.raw == []
    assert not send.sent_to_sign_in or _still_signed_in(send.client)

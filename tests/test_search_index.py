"""The commitment search's index (SQLite's FTS5 trigram table, models.search_index): the same
answers as a scan of every row for any query, kept in step with every kind of write."""
from __future__ import annotations

import unicodedata
from contextlib import contextmanager

import pytest
from sqlalchemy import delete, event, insert, select, text, update

from tracker.domain.text import fold, search_terms
from tracker.extensions import db
from tracker.models import Commitment, CooperationArea, search_index
from tracker.queries.commitments import CommitmentFilters, search

QUERIES = [
    "a", "đ", "Đ", "so", "số", "1.", "vành đai", "VÀNH ĐAI v", "thai nguyen", "Thái Nguyên",
    unicodedata.normalize("NFD", "hài hoà"), "hài hòa", "kết nối", "ket noi giao thong", "nguyên",
    "giao", "iao", "tỉnh", "1.1", "2.10", "x", "zzz không có", "chuyển đổi số",
    # FTS5's own syntax and LIKE's wildcards, matched literally
    '"', '"giao"', 'gi"ao', "giao*", "NOT giao", "giao OR tỉnh", "(giao)", "-giao", "giao:", "^giao",
    "%", "_", "\\", "%%%", "a_b", "100%",
]


def scanned(query: str, see_restricted: bool) -> set[int]:
    """What the search must answer: every present commitment whose folded text holds each
    folded term, read row by row in Python (restricted fields only for the cleared)."""
    terms = search_terms(query)
    rows = db.session.execute(select(Commitment.id, Commitment.search_text, CooperationArea.restricted)
                              .join(CooperationArea).where(Commitment.removed_on.is_(None))).all()
    return {cid for cid, key, restricted in rows
            if all(t in key for t in terms) and (see_restricted or not restricted)}


def found(query: str, see_restricted: bool) -> set[int]:
    pagination, _hidden = search(CommitmentFilters(q=query), see_restricted, 1, 10_000)
    return {c.id for c in pagination.items}


@pytest.mark.parametrize("query", QUERIES)
def test_every_query_finds_exactly_what_a_scan_finds(app, query):
    for cleared in (True, False):
        assert found(query, cleared) == scanned(query, cleared), (query, cleared)


def test_the_queries_find_something(app):
    """The table above is not a list of empty answers."""
    assert sum(bool(scanned(q, True)) for q in QUERIES) >= 15


@contextmanager
def statements(app):
    seen: list[str] = []

    def watch(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", watch)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", watch)


def sqlite_only():
    if db.session.get_bind().dialect.name != "sqlite":
        pytest.skip("the FTS5 index is SQLite's; PostgreSQL's trigram index serves LIKE itself")


@pytest.mark.parametrize(("query", "uses_index"), [("giao", True), ("ket noi", True), ("so", False),
                                                   ("a b", False), ("so giao", True)])
def test_sqlite_asks_the_index_when_a_term_has_three_characters(app, query, uses_index):
    sqlite_only()
    with statements(app) as seen:
        found(query, True)
    assert any(f"{search_index.TABLE} MATCH" in s for s in seen) == uses_index


def test_the_index_and_its_triggers_exist_at_head(app):
    """A migration that rebuilds ``commitments`` (batch mode) drops its triggers: it must make them again."""
    sqlite_only()
    names = dict(db.session.execute(text("SELECT name, type FROM sqlite_master WHERE name LIKE :prefix"),
                                    {"prefix": f"{search_index.TABLE}%"}).all())
    assert {n: names.get(n) for n in search_index.TRIGGERS} == {n: "trigger" for n in search_index.TRIGGERS}
    assert set(search_index.TABLES) <= set(names)
    assert search_index.in_step(db.session.connection())


def test_in_step_notices_an_index_that_lags(app):
    sqlite_only()
    connection = db.session.connection()
    connection.execute(text(f"DROP TRIGGER {search_index.TABLE}_update"))  # rolled back with the test
    commitment = db.session.scalar(select(Commitment).order_by(Commitment.id))
    commitment.title = "Nhiệm vụ đổi tên không báo chỉ mục"
    db.session.flush()
    assert not search_index.in_step(connection)
    search_index.rebuild(connection)
    assert search_index.in_step(connection)


def test_the_index_follows_orm_and_bulk_writes(app):
    commitment = db.session.scalar(select(Commitment).order_by(Commitment.id))
    commitment.title = "Xây dựng cầu Ổ Quýt liên tỉnh"
    db.session.flush()
    assert commitment.id in found("o quyt", True)

    area_id = commitment.area_id
    db.session.execute(insert(Commitment), [{"area_id": area_id, "code": "99.1", "sort_key": "0099.0001",
                                             "title": "Đường vành đai Ấp Bắc", "search_text": fold("Đường vành đai Ấp Bắc"),
                                             "recurring": False, "is_demo": True}])
    added = db.session.scalar(select(Commitment.id).where(Commitment.code == "99.1", Commitment.area_id == area_id))
    assert added in found("ap bac", True)

    db.session.execute(update(Commitment), [{"id": added, "search_text": fold("Cảng cạn Quế Võ")}])
    assert added not in found("ap bac", True) and added in found("que vo", True)

    db.session.execute(delete(Commitment).where(Commitment.id == added))
    assert found("que vo", True) == set()
    if db.session.get_bind().dialect.name == "sqlite":
        assert search_index.in_step(db.session.connection())

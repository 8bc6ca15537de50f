"""The generated dataset (`flask demo-data`): searchable like typed data."""
from sqlalchemy import select

from tracker.domain.text import fold
from tracker.extensions import db
from tracker.models import Agreement, Commitment, CooperationArea, search_index
from tracker.queries.commitments import CommitmentFilters, search
from tracker.tools.demo_data import generate


def test_generated_commitments_are_found_by_search_with_or_without_diacritics(app):
    with app.test_request_context():
        generate(0.001)  # the smallest scale with an agency in each province
        rows = db.session.execute(select(Commitment.title, Commitment.search_text, Commitment.code)
                                  .join(CooperationArea).join(Agreement).where(Agreement.code.like("DEMO-%"))).all()
        # the key the model computes for a commitment made through the app (code and title here)
        assert rows and all(key == fold(f"{code} {title}") for title, key, code in rows)
        words = " ".join(rows[0][0].split()[:2])
        for query in (words, fold(words), words.upper()):
            pagination, _hidden = search(CommitmentFilters(q=query), True, 1, 25)
            assert pagination.total >= 1, query
        if db.session.get_bind().dialect.name == "sqlite":  # the bulk inserts reached the search index
            assert search_index.in_step(db.session.connection())


def test_rows_made_after_the_generated_data_get_fresh_ids(app):
    """The generator writes ids itself; on PostgreSQL the id sequences must follow, or the next
    progress update made through the app fails with a duplicate key (every one, in `make bench`)."""
    from tracker.models import Province

    with app.test_request_context():
        generate(0.001)
        province = Province(code="ZZ-NEW", name="Tỉnh mới")
        db.session.add(province)
        db.session.flush()
        assert province.id > max(db.session.scalars(select(Province.id).where(Province.code != "ZZ-NEW")))

"""The value achieved against a numeric target (chỉ tiêu): asked on the progress form only when
the commitment has a target in force, read with a decimal comma, refused with a message."""
from datetime import date

import pytest
from sqlalchemy import select

from tests.factories import TODAY, officer_commitment
from tests.views.test_progress import fields, new_form
from tracker.domain.updates import actual_problem, parse_actual
from tracker.extensions import db
from tracker.models import CommitmentTarget, ProgressUpdate


@pytest.mark.parametrize(("typed", "read"), [
    (None, None), ("", None), ("  ", None), ("12", 12.0), (" 12,5 ", 12.5), ("12.5", 12.5), (0, 0.0), (7.25, 7.25),
])
def test_an_actual_is_read_the_vietnamese_way_or_the_english_way(typed, read):
    assert parse_actual(typed) == read and actual_problem(typed) is None


@pytest.mark.parametrize("typed", ["-1", "1.234,5", "12 ha", "abc", "1e3", True, -2, float("nan"), float("inf")])
def test_anything_else_is_not_an_actual(typed):
    assert actual_problem(typed) == "actual_not_number"
    with pytest.raises(ValueError):
        parse_actual(typed)


def _with_target(commitment):
    db.session.add(CommitmentTarget(commitment_id=commitment.id, party_id=None, year=2026, unit="sự kiện", value=4,
                                    effective_on=date(2026, 1, 1), reason="Kế hoạch năm 2026"))
    db.session.commit()


def test_without_a_target_the_form_does_not_ask_for_an_actual(login_as):
    html = login_as("officer").get(f"/commitments/{officer_commitment().id}/progress/new").get_data(as_text=True)
    assert 'name="actual"' not in html


def test_with_a_target_the_actual_is_asked_and_stored(login_as):
    commitment = officer_commitment()
    _with_target(commitment)
    client = login_as("officer")
    html = client.get(f"/commitments/{commitment.id}/progress/new").get_data(as_text=True)
    assert 'name="actual"' in html and "Chỉ tiêu năm 2026: 4 sự kiện" in html
    response = client.post(f"/commitments/{commitment.id}/progress/new",
                           data={**fields(actual="2,5"), **new_form(client, commitment)})
    assert response.status_code == 302
    stored = db.session.scalar(select(ProgressUpdate).where(ProgressUpdate.commitment_id == commitment.id))
    assert stored.actual == 2.5 and stored.as_of == TODAY


def test_a_wrong_actual_is_refused_beside_the_field_and_the_text_is_kept(login_as):
    commitment = officer_commitment()
    _with_target(commitment)
    client = login_as("officer")
    response = client.post(f"/commitments/{commitment.id}/progress/new",
                           data={**fields(actual="ba sự kiện"), **new_form(client, commitment)})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Giá trị đạt được là một số không âm" in page and 'value="ba sự kiện"' in page
    assert "Đã tổ chức hội nghị xúc tiến đầu tư chung tại Hà Nội." in page
    assert db.session.scalar(select(ProgressUpdate).where(ProgressUpdate.commitment_id == commitment.id)) is None

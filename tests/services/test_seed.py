"""The packaged memorandum: what `seed` loads, that it loads it once, and bad files."""
import unicodedata
from importlib import resources

import pytest
from sqlalchemy import func, select

from tracker.domain.plan_file import PlanFileError
from tracker.extensions import db
from tracker.models import Agency, AgencySuccession, Agreement, Assignment, Commitment, CooperationArea, Province
from tracker.services.seed import packaged_files, seed

ARTICLE = unicodedata.normalize(
    "NFC", (resources.files("tracker") / "data" / "sources" / "baothainguyen-2023-tn-bg.txt").read_text("utf-8")
)


def counts():
    return {
        model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Province, Agency, AgencySuccession, Agreement, CooperationArea, Commitment, Assignment)
    }


def test_seed_twice_changes_nothing(app):
    before = counts()
    report = seed()
    db.session.commit()
    assert report.total == 0
    assert counts() == before


def test_the_memorandum_is_loaded(app):
    agreement = db.session.scalar(select(Agreement).where(Agreement.code == "TN-BG-2023"))
    assert agreement.open_ended and agreement.period_end.year == 2025
    assert agreement.signed_date is None and not agreement.signing_verified
    assert [p.province.code for p in agreement.parties] == ["TN97", "BG97"]
    assert [p.signatory_name for p in agreement.parties] == ["Nguyễn Thanh Hải", "Dương Văn Thái"]
    assert len(agreement.areas) == 9
    assert all(a.provisional for a in agreement.areas)
    assert {a.number for a in agreement.areas if a.restricted} == {1, 9}
    commitments = [c for a in agreement.areas for c in a.commitments]
    assert len(commitments) >= 20
    assert all(len(a.commitments) >= 1 for a in agreement.areas)


def test_provinces_merged_on_1_july_2025(app):
    bac_giang = db.session.scalar(select(Province).where(Province.code == "BG97"))
    thai_nguyen = db.session.scalar(select(Province).where(Province.code == "TN97"))
    assert [(s.successor.code, s.effective_date.isoformat()) for s in bac_giang.successions] == [("BN", "2025-07-01")]
    assert [s.successor.code for s in thai_nguyen.successions] == ["TN"]
    new_tn = db.session.scalar(select(Province).where(Province.code == "TN"))
    assert sorted(s.predecessor.code for s in new_tn.precursions) == ["BK97", "TN97"]


def test_every_commitment_has_a_current_lead_in_each_new_province_and_its_source(app):
    for commitment in db.session.scalars(select(Commitment)):
        leads = [a for a in commitment.current_assignments if a.role == "lead"]
        assert sorted(a.agency.province.code for a in leads) == ["BN", "TN"], commitment.code
        assert all(a.agency.valid_to is None for a in commitment.current_assignments), commitment.code
        assert commitment.is_demo
        assert commitment.source_text and commitment.source_text in ARTICLE, commitment.code
        assert commitment.recurring or commitment.due_date is not None


def test_assignments_move_to_successors_and_keep_history(app):
    # An assignment to the old Sở Kế hoạch và Đầu tư goes to Sở Tài chính on 1/3/2025, then to the new province's.
    old = db.session.scalar(select(Agency).where(Agency.code == "TN97-SKHDT"))
    first = db.session.scalars(select(Assignment).where(Assignment.agency_id == old.id)).first()
    assert first is not None and first.valid_from.isoformat() == "2023-06-01"
    assert first.valid_to.isoformat() == "2025-02-28"
    assert first.agency_name == "Sở Kế hoạch và Đầu tư tỉnh Thái Nguyên"
    chain = [first]
    while True:
        nxt = db.session.scalar(select(Assignment).where(Assignment.predecessor_id == chain[-1].id))
        if nxt is None:
            break
        chain.append(nxt)
    assert [a.agency.code for a in chain] == ["TN97-SKHDT", "TN97-STC", "TN-STC"]
    assert chain[-1].valid_to is None and chain[-1].valid_from.isoformat() == "2025-07-01"
    assert len({a.role for a in chain}) == 1


def test_text_is_stored_nfc(app):
    decomposed = unicodedata.normalize("NFD", "Sở Thử nghiệm Hòa Bình")
    province = db.session.scalar(select(Province).where(Province.code == "TN"))
    db.session.add(Agency(code="TN-TEST", province=province, name=decomposed))
    db.session.commit()
    stored = db.session.scalar(select(Agency.name).where(Agency.code == "TN-TEST"))
    assert stored == unicodedata.normalize("NFC", decomposed) and stored != decomposed


@pytest.mark.parametrize(
    "mangle, message",
    [
        (lambda t: t.replace("lead: {TN97: TN97-", "lead: {TN97: XX-", 1), "unknown agency 'XX-"),
        (lambda t: t.replace("areas:", "areas: [", 1), "not valid YAML"),
        (lambda t: t.replace("period_start: 2023-01-01", "period_start: 01/01/2023", 1), "'period_start' must be a date"),
    ],
)
def test_malformed_agreement_file_names_the_entry_and_writes_nothing(app, mangle, message):
    reference, agreements = packaged_files()
    name, text = agreements[0]
    mangled = mangle(text)
    assert mangled != text, "the mangling did not apply; update the test to the data file"
    before = counts()
    with pytest.raises(PlanFileError) as info:
        seed(reference, [(name, mangled)])
    assert str(info.value).startswith(name) and message in str(info.value)
    assert counts() == before

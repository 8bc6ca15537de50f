"""The signature block as the office types it: a "Lưu" line typed is the archive line (no second
"- Lưu: VT."), and a title typed in both signer boxes is printed once."""
from tracker.domain.report import Letterhead
from tracker.exports.outline import signature


def test_archive_line_added_when_none_typed():
    out = signature(Letterhead(recipients=("UBND tỉnh Thái Nguyên", "Sở Tài chính;")))
    assert out.recipients == ("- UBND tỉnh Thái Nguyên;", "- Sở Tài chính;", "- Lưu: VT.")


def test_a_typed_archive_line_is_kept_last_and_not_doubled():
    out = signature(Letterhead(recipients=("- Lưu: VT, TH.", "UBND tỉnh Thái Nguyên")))
    assert out.recipients == ("- UBND tỉnh Thái Nguyên;", "- Lưu: VT, TH.")
    assert sum("Lưu" in line for line in out.recipients) == 1
    assert signature(Letterhead(recipients=("lưu VT",))).recipients == ("- lưu VT.",)


def test_a_title_typed_in_both_signer_boxes_is_printed_once():
    out = signature(Letterhead(signer_authority="KT. CHỦ TỊCH\nPhó Chủ tịch", signer_title="PHÓ CHỦ TỊCH"))
    assert out.authority == ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")
    out = signature(Letterhead(signer_authority="KT. CHỦ TỊCH", signer_title="Phó Chủ tịch"))
    assert out.authority == ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")

"""The report's letterhead: configured defaults per profile, then what the signer's office saved."""
from tracker.config import letterheads
from tracker.domain.report import letterhead_for

DEFAULTS = letterheads(None)


def test_each_profile_starts_from_its_configured_defaults():
    state, party = letterhead_for("state", DEFAULTS, None), letterhead_for("party", DEFAULTS, {})
    assert (state.profile, state.parent_body, state.number) == ("state", "UBND TỈNH THÁI NGUYÊN", "…/BC-VP")
    assert (party.profile, party.parent_body, party.number, party.signer_authority) == (
        "party", "TỈNH ỦY THÁI NGUYÊN", "…-BC/VPTU", "T/L BAN THƯỜNG VỤ")
    assert state.recipients == ("Thường trực Tỉnh ủy (b/c)", "Lãnh đạo UBND tỉnh", "Các sở, ngành liên quan")


def test_saved_values_win_empty_ones_do_not_and_unknown_keys_are_ignored():
    saved = {"signer_name": "Nguyễn Văn A", "number": "", "recipients": "- Như trên;\n\n- Lưu: VT", "colour": "x",
             "profile": "party"}
    head = letterhead_for("state", DEFAULTS, saved)
    assert head.profile == "state" and head.signer_name == "Nguyễn Văn A" and head.number == "…/BC-VP"
    assert head.recipients == ("Như trên", "Lưu: VT")


def test_another_province_configures_its_own_letterhead():
    head = letterhead_for("state", {"state": {"parent_body": "UBND TỈNH LẠNG SƠN", "place": "Lạng Sơn"}}, None)
    assert (head.parent_body, head.place) == ("UBND TỈNH LẠNG SƠN", "Lạng Sơn")

"""The one e-mail rule: syntax only, reserved and intranet domains allowed."""
import pytest

from tracker.domain.emails import is_valid, normalise


@pytest.mark.parametrize("address", [
    "canbo@example.com", "ops@tinh.local", "ops@so.test", "van.thu@ubnd.internal", "ops@localhost",
    "x@intranet", "a+b@thainguyen.gov.vn", "nguyễn@sở.vn", "  Moi@Example.com  ", "x@onion.onion",
])
def test_accepted(address):
    assert is_valid(address)


@pytest.mark.parametrize("address", [
    "", None, "not-an-email", "a b@example.com", "a@@example.com", "@example.com", "a@", "a@.local",
    "a@example..com", "a@[127.0.0.1]", "A <a@example.com>", '"a b"@example.com', "a@b_c.vn",
    "a" * 250 + "@b.vn", "a\n@b.vn", "a\x00@b.vn",
])
def test_refused(address):
    assert not is_valid(address)


def test_normalise():
    assert normalise("  Moi@Example.COM ") == "moi@example.com"
    assert normalise(None) == ""

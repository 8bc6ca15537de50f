"""The account-wide delay after many failed sign-ins from anywhere: free at first, then doubling, capped."""
import pytest

from tracker.domain.signin import account_delay


@pytest.mark.parametrize(
    "failures, delay",
    [(0, 0), (1, 0), (10, 0), (11, 2), (12, 4), (13, 8), (14, 16), (15, 32), (16, 60), (17, 60), (10_000, 60)],
)
def test_account_delay_grows_after_the_free_allowance(failures, delay):
    assert account_delay(failures, free=10, first=2, maximum=60) == delay


def test_no_maximum_means_no_delay():
    assert account_delay(50, free=10, first=2, maximum=0) == 0

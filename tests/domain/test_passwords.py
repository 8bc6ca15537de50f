"""Password rules: length, common passwords, the user's own name or e-mail."""
import pytest

from tracker.domain.passwords import password_problems


@pytest.mark.parametrize(
    "password, inputs, problem",
    [
        ("short1!", (), "too_short"),
        ("Tq8#vW2!pZ5", (), "too_short"),  # 11 strong characters: ASVS 2.1.1 asks for 12
        ("password1234", (), "too_easy"),
        ("123456789012", (), "too_easy"),
        ("qwertyuiop[]", (), "too_easy"),
        ("nguyenvanan2026", ("nguyenvanan@example.com", "Nguyễn Văn An"), "too_easy"),
        ("x" * 201, (), "too_long"),
    ],
)
def test_weak_passwords_are_refused(password, inputs, problem):
    assert password_problems(password, inputs) == [problem]


@pytest.mark.parametrize("password", ["Hồ-Gươm-mùa-thu-2026", "correct horse battery staple", "tK8#pq2!Lm9z"])
def test_strong_passwords_pass(password):
    assert len(password) >= 12
    assert password_problems(password, ("an@example.com", "An")) == []

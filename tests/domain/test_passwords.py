"""Password rules: length, common passwords, the user's own name or e-mail."""
import pytest

from tracker.domain.passwords import password_problems


@pytest.mark.parametrize(
    "password, inputs, problem",
    [
        ("short1!", (), "at least 10 characters"),
        ("password123", (), "too easy to guess"),
        ("1234567890", (), "too easy to guess"),
        ("qwertyuiop", (), "too easy to guess"),
        ("nguyenvanan2026", ("nguyenvanan@example.com", "Nguyễn Văn An"), "too easy to guess"),
        ("x" * 201, (), "at most 200"),
    ],
)
def test_weak_passwords_are_refused(password, inputs, problem):
    problems = password_problems(password, inputs)
    assert problems and problem in problems[0]


@pytest.mark.parametrize("password", ["Hồ-Gươm-mùa-thu-2026", "correct horse battery staple", "tK8#pq2!Lm9z"])
def test_strong_passwords_pass(password):
    assert password_problems(password, ("an@example.com", "An")) == []

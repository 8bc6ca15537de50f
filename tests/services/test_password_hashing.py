"""Password hashing: scrypt in every real deployment, a cheap configured method under test,
and the unknown-e-mail check paying the same price as a wrong password."""
from __future__ import annotations

from werkzeug.security import check_password_hash

from tests.apps import TEST_HASH_METHOD
from tracker import create_app
from tracker.services import accounts


def test_an_app_configured_without_tests_hashes_new_passwords_with_scrypt(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}"})
    assert app.config["PASSWORD_HASH_METHOD"] == "scrypt"
    with app.app_context():
        hashed = accounts.hash_password("Hồ-Gươm-mùa-thu-2026")
    assert hashed.startswith("scrypt:32768:8:1$")
    assert check_password_hash(hashed, "Hồ-Gươm-mùa-thu-2026")
    assert not check_password_hash(hashed, "Hồ-Gươm-mùa-thu-2025")


def test_outside_an_app_new_passwords_are_scrypt_too():
    assert accounts.hash_method() == "scrypt"
    assert accounts.hash_password("một-mật-khẩu-dài").startswith("scrypt:")


def test_the_test_app_hashes_cheaply_and_unknown_e_mails_pay_the_same_price(app):
    with app.app_context():
        assert accounts.hash_method() == TEST_HASH_METHOD
        assert accounts.hash_password("một-mật-khẩu-dài").startswith(TEST_HASH_METHOD + "$")
        # the timing equaliser checks a hash of the same method as real accounts have
        assert accounts.dummy_hash(accounts.hash_method()).startswith(TEST_HASH_METHOD + "$")
        assert accounts.authenticate("khong-co@example.com", "bất kỳ") is None


def test_accounts_hashed_with_scrypt_still_sign_in_where_the_method_is_cheaper(app):
    """Hashes carry their method: accounts made under scrypt (the CLI, production) sign in anywhere."""
    from sqlalchemy import select
    from werkzeug.security import generate_password_hash

    from tests.factories import PASSWORD
    from tracker.extensions import db
    from tracker.models import User

    with app.app_context():
        officer = db.session.scalar(select(User).where(User.email == "canbo@example.com"))
        officer.password_hash = generate_password_hash(PASSWORD, method="scrypt")
        db.session.flush()
        assert accounts.authenticate("canbo@example.com", PASSWORD) == officer
        assert accounts.authenticate("canbo@example.com", PASSWORD + "x") is None

"""The command line of the contract: lists, user creation and its refusals."""
import pytest
from sqlalchemy import func, select

from tests.factories import PASSWORD
from tracker.extensions import db
from tracker.models import Agency, Meeting, Province, User


def user_count():
    return db.session.scalar(select(func.count(User.id)))


def test_provinces_list(runner):
    result = runner.invoke(args=["provinces", "list"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert "BG97\tTỉnh Bắc Giang\t1997-01-01\t2025-06-30" in lines
    assert "BN\tTỉnh Bắc Ninh\t2025-07-01\t" in lines


def test_agencies_list(runner):
    result = runner.invoke(args=["agencies", "list"])
    assert result.exit_code == 0
    rows = [line.split("\t") for line in result.output.splitlines()]
    assert all(len(row) == 5 for row in rows)
    by_code = {row[0]: row for row in rows}
    assert by_code["TN97-SKHDT"][1:] == ["TN97", "Sở Kế hoạch và Đầu tư tỉnh Thái Nguyên", "1997-01-01", "2025-02-28"]
    assert by_code["TN-STC"][4] == ""


def test_users_create_with_password_stdin_and_list(runner):
    result = runner.invoke(
        args=["users", "create", "Moi.CanBo@Example.com", "--role", "officer", "--agency", "BN-SYT", "--name", "Cán bộ Y tế", "--password-stdin"],
        input="Sông-Cầu-nước-trong-2026\n",
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["users", "create", "x@example.com", "--role", "viewer", "--password-stdin"],
                           input="Sông-Cầu-nước-trong-2026\n")
    assert result.exit_code == 0, result.output
    listing = runner.invoke(args=["users", "list"]).output.splitlines()
    assert "moi.canbo@example.com\tofficer\tBN-SYT\tactive" in listing
    assert "x@example.com\tviewer\t*\tactive" in listing


def test_users_create_prompts_for_password(runner):
    result = runner.invoke(
        args=["users", "create", "dm@example.com", "--role", "coordinator", "--province", "BN"],
        input="Sông-Cầu-nước-trong-2026\nSông-Cầu-nước-trong-2026\n",
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User).where(User.email == "dm@example.com")).province.code == "BN"


@pytest.mark.parametrize(
    "args, password, reason",
    [
        (["a@example.com", "--role", "chief"], PASSWORD, "unknown role 'chief'"),
        (["a@example.com", "--role", "officer", "--agency", "NOPE"], PASSWORD, "unknown agency code 'NOPE'"),
        (["a@example.com", "--role", "officer"], PASSWORD, "an officer needs --agency"),
        (["a@example.com", "--role", "coordinator"], PASSWORD, "a coordinator needs --province"),
        (["a@example.com", "--role", "coordinator", "--province", "ZZ"], PASSWORD, "unknown province code 'ZZ'"),
        (["ADMIN@example.com", "--role", "viewer"], PASSWORD, "already exists"),
        (["a@example.com", "--role", "viewer"], "short", "weak password: at least 12 characters"),
        (["a@example.com", "--role", "viewer"], "password1234", "weak password: too easy to guess"),
        (["not-an-email", "--role", "viewer"], PASSWORD, "invalid e-mail address"),
    ],
)
def test_users_create_refuses_bad_input_and_writes_nothing(runner, args, password, reason):
    before = user_count()
    result = runner.invoke(args=["users", "create", *args, "--password-stdin"], input=password + "\n")
    assert result.exit_code != 0
    message = result.output.strip().splitlines()
    assert len(message) == 1 and reason in message[0], result.output
    assert user_count() == before


@pytest.mark.parametrize("email", ["ops@tinh.local", "Van.Thu@So.TEST", "ops@ubnd.internal", "ops@localhost",
                                   "nguyễn@sở.vn"])
def test_an_address_users_create_accepts_can_sign_in(app, runner, email):
    """Intranet domains (.local, .test, .internal) are common: one syntax-only rule for both."""
    from tests.client import sign_in

    result = runner.invoke(args=["users", "create", email, "--role", "viewer", "--password-stdin"],
                           input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert sign_in(app.test_client(), email).status_code == 302
    assert sign_in(app.test_client(), email.upper()).status_code == 302


@pytest.mark.parametrize("email", ["a b@example.com", "a@@example.com", "@example.com", "a@", "a@.local",
                                   "a@example..com", "a@[127.0.0.1]", "A <a@example.com>", "a@exa mple.com",
                                   "a" * 250 + "@b.vn"])
def test_users_create_and_sign_in_refuse_the_same_malformed_addresses(app, runner, email):
    from tests.client import csrf_token

    result = runner.invoke(args=["users", "create", email, "--role", "viewer", "--password-stdin"],
                           input=PASSWORD + "\n")
    assert result.exit_code != 0 and "invalid e-mail address" in result.output
    client = app.test_client()
    html = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(client)}).text
    assert "Địa chỉ thư điện tử không hợp lệ." in html


def test_password_is_never_an_argument(runner):
    result = runner.invoke(args=["users", "create", "a@example.com", "--role", "viewer", "--password", PASSWORD])
    assert result.exit_code != 0
    assert "No such option" in result.output


def test_users_demo_only_when_empty(runner):
    result = runner.invoke(args=["users", "demo"])
    assert result.exit_code == 0 and result.output == ""  # accounts exist already


def test_users_demo_creates_one_per_role(runner):
    db.session.execute(User.__table__.delete())
    result = runner.invoke(args=["users", "demo"])
    assert result.exit_code == 0, result.output
    roles = sorted(db.session.scalars(select(User.role)))
    assert roles == ["admin", "coordinator", "coordinator", "officer", "officer", "viewer"]
    assert result.output.count("@example.com") == 6
    # and the demonstration meeting with its three conclusions (tracker/data/meetings_demo.yaml)
    meeting = db.session.scalar(select(Meeting))
    assert meeting.is_demo and len(meeting.conclusions) == 3
    # both sides can be tried: an officer and a coordinator in each of today's provinces
    for code in ("TN", "BN"):
        assert db.session.scalar(select(func.count(User.id)).join(Province, Province.id == User.province_id)
                                 .where(Province.code == code, User.role == "coordinator")) == 1
        assert db.session.scalar(select(func.count(User.id)).join(Agency, Agency.id == User.agency_id)
                                 .where(Agency.code == f"{code}-STC", User.role == "officer")) == 1


def test_seed_command_reports_nothing_to_add(runner):
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0 and "nothing to add" in result.output
    assert "already has data" in runner.invoke(args=["seed", "--if-empty"]).output


def test_two_factor_can_be_turned_off_from_the_command_line(app, runner):
    """The way back in when a phone is lost or the TOTP key can no longer decrypt the secret."""
    from tracker.models import AuditEvent
    from tracker.services import accounts

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "admin@example.com"))
        accounts.totp_begin(user)
        user.totp_enabled_at = user.created_at
        db.session.commit()
    result = runner.invoke(args=["users", "two-factor-off", "ADMIN@example.com"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("two-factor sign-in turned off for admin@example.com")
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.email == "admin@example.com"))
    assert user.totp_secret_encrypted is None and not user.totp_enabled
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "two_factor_disabled"))
    missing = runner.invoke(args=["users", "two-factor-off", "nobody@example.com"])
    assert missing.exit_code != 0 and "no user with e-mail nobody@example.com" in missing.output

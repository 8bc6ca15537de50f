"""Command line: ``seed``, ``provinces list``, ``agencies list``, ``users create|list|demo``, ``tokens create|revoke``,
``backup``, ``restore``, ``fsck``.

Exit status 0 on success; on bad input a one-line reason on stderr, exit 1, nothing written.
"""
from __future__ import annotations

import sys
from datetime import timedelta

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import func, select

from tracker.domain.plan_file import PlanFileError
from tracker.extensions import db
from tracker.models import Agency, Agreement, Province, User
from tracker import clock
from tracker.models import ApiToken
from tracker.services import accounts, backup as backup_service, fsck as fsck_service, seed as seed_service
from tracker.services import demo_progress
from tracker.services import tokens as token_service


def _fail(message: str) -> None:
    db.session.rollback()
    raise click.ClickException(message)


def _day(value) -> str:
    return value.isoformat() if value else ""


@click.command("seed")
@click.option("--if-empty", is_flag=True, help="Only when no agreement has been loaded yet.")
def seed_command(if_empty: bool) -> None:
    """Load reference data and the first agreement (idempotent)."""
    if if_empty and db.session.scalar(select(func.count(Agreement.id))):
        click.echo("seed: database already has data; nothing to do")
        return
    try:
        report = seed_service.seed()
    except PlanFileError as exc:
        _fail(f"seed data invalid: {exc}")
    db.session.commit()
    if report.total:
        click.echo("seed: added " + ", ".join(f"{n} {kind}" for kind, n in sorted(report.created.items())))
    else:
        click.echo("seed: nothing to add")


provinces = AppGroup("provinces", help="Provinces.")
agencies = AppGroup("agencies", help="Agencies.")
users = AppGroup("users", help="User accounts.")


@provinces.command("list")
def provinces_list() -> None:
    for p in db.session.scalars(select(Province).order_by(Province.code)):
        click.echo("\t".join((p.code, p.name, _day(p.valid_from), _day(p.valid_to))))


@agencies.command("list")
def agencies_list() -> None:
    rows = db.session.execute(select(Agency, Province.code).join(Agency.province).order_by(Agency.code))
    for agency, province_code in rows:
        click.echo("\t".join((agency.code, province_code, agency.name, _day(agency.valid_from), _day(agency.valid_to))))


@users.command("create")
@click.argument("email")
@click.option("--role", required=True, help="admin, coordinator, officer or viewer")
@click.option("--name", default=None)
@click.option("--province", default=None, help="Province code (coordinator).")
@click.option("--agency", default=None, help="Agency code (officer).")
@click.option("--cleared", is_flag=True, help="May see restricted fields.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_create(email, role, name, province, agency, cleared, password_stdin) -> None:
    """Create an account; the password is read from a prompt or standard input, never an argument."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = accounts.create_user(
            accounts.NewUser(email=email, role=role, name=name, province=province, agency=agency, cleared=cleared),
            password,
        )
    except accounts.AccountError as exc:
        _fail(str(exc))
    db.session.commit()
    click.echo(f"created {user.email} ({user.role}, {user.scope_label})")


@users.command("list")
def users_list() -> None:
    for user in db.session.scalars(select(User).order_by(User.email)):
        click.echo("\t".join((user.email, user.role, user.scope_label, "active" if user.active else "inactive")))


@users.command("two-factor-off")
@click.argument("email")
def users_two_factor_off(email) -> None:
    """Turn off a user's two-factor sign-in (lost phone, or a TOTP key that can no longer be read);
    audited, and the user enrols again from the profile page."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        _fail(f"no user with e-mail {email}")
    accounts.totp_disable(user, None)
    db.session.commit()
    click.echo(f"two-factor sign-in turned off for {user.email}")


api_tokens = AppGroup("tokens", help="Personal access tokens for the JSON API.")


@api_tokens.command("create")
@click.argument("email")
@click.option("--read-only", is_flag=True, help="The token may read but not submit updates.")
@click.option("--expires", default=None, metavar="YYYY-MM-DD", help="The last day the token works.")
@click.option("--name", default=None, help="A label to tell tokens apart.")
def tokens_create(email, read_only, expires, name) -> None:
    """Make a token for the account; the last line printed is the token, shown only this once."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        _fail(f"no user with e-mail {email}")
    expires_on = None
    if expires:
        from tracker.params import parse_date

        expires_on = parse_date(expires)
        if expires_on is None:
            _fail(f"--expires: not a date YYYY-MM-DD: {expires}")
    try:
        made = token_service.create(user, actor=None, read_only=read_only, expires_on=expires_on, name=name,
                                    today=clock.today())
    except token_service.TokenError as exc:
        _fail({"user_inactive": "the account is deactivated",
               "expires_in_past": "--expires is in the past"}.get(exc.code, exc.code))
    db.session.commit()
    click.echo(f"token {made.row.id} for {user.email} ({'read-only' if read_only else 'read and write'}"
               f"{', expires ' + expires_on.isoformat() if expires_on else ''}); store it now, it is not shown again:")
    click.echo(made.secret)


@api_tokens.command("revoke")
@click.argument("token_id")
def tokens_revoke(token_id) -> None:
    """Revoke a token by its id (printed by ``tokens create`` and shown on the profile page)."""
    from tracker.params import parse_id

    row = db.session.get(ApiToken, parse_id(token_id) or 0)
    if row is None:
        _fail(f"no token with id {token_id}")
    changed = token_service.revoke(row, actor=None)
    db.session.commit()
    click.echo(f"token {row.id} revoked" if changed else f"token {row.id} was already revoked")


# One demo account per role, scoped to today's provinces and agencies; an officer and a
# coordinator on each side, so that both provinces' work can be tried.
DEMO_ACCOUNTS = (
    ("admin", "quantri@example.com", "Quản trị hệ thống", None, None, True),
    ("coordinator", "daumoi.thainguyen@example.com", "Đầu mối tỉnh Thái Nguyên", "TN", None, False),
    ("officer", "canbo.taichinh@example.com", "Cán bộ Sở Tài chính Thái Nguyên", None, "TN-STC", False),
    ("coordinator", "daumoi.bacninh@example.com", "Đầu mối tỉnh Bắc Ninh", "BN", None, False),
    ("officer", "canbo.taichinh.bn@example.com", "Cán bộ Sở Tài chính Bắc Ninh", None, "BN-STC", False),
    ("viewer", "lanhdao@example.com", "Lãnh đạo tỉnh", None, None, False),
)


@users.command("demo")
def users_demo() -> None:
    """Create the demo accounts (every role; officer and coordinator on both sides) when there are no
    users; print them once."""
    if current_app.config["TRACKER_ENV"] == "production":
        _fail("demo accounts are refused when TRACKER_ENV=production")
    if db.session.scalar(select(func.count(User.id))):
        return
    lines = []
    for role, email, name, province, agency, cleared in DEMO_ACCOUNTS:
        password = accounts.generated_password()
        try:
            accounts.create_user(
                accounts.NewUser(email=email, role=role, name=name, province=province, agency=agency, cleared=cleared),
                password,
            )
        except accounts.AccountError as exc:
            _fail(f"demo account {email}: {exc}")
        lines.append(f"  {role:<12} {email:<34} {password}")
    seed_service.demo_meetings()  # the demonstration meeting and its conclusions
    db.session.commit()
    click.echo("Demo accounts (shown once; change them or create real ones with `users create`):")
    click.echo("\n".join(lines))
    _demo_progress()


def _demo_progress() -> None:
    """Demonstration progress (marked "[Minh họa]") on each agreement with demonstration commitments
    and no progress yet: a confirmed and a disputed shared completion, sides at risk today."""
    admin = db.session.scalar(select(User).where(User.email == DEMO_ACCOUNTS[0][1]))
    for agreement in db.session.scalars(select(Agreement).order_by(Agreement.id)):
        done = demo_progress.demonstrate(agreement, admin, clock.today())
        if done is not None:
            db.session.commit()
            click.echo(f"Demonstration progress on {agreement.code}: {done['reports']} approved reports, "
                       f"{done['confirmed']} confirmed and {done['disputed']} disputed completion, "
                       f"{done['extended']} deadlines extended for the early warning")
    new = seed_service.demo_renewal(admin, clock.today())  # the next phase (tracker/data/renewal_demo.yaml)
    if new is not None:
        db.session.commit()
        click.echo(f"Demonstration of the next phase: {new.predecessor.code} renewed into {new.code} from "
                   f"{new.renewed_on.isoformat()}, {sum(len(a.commitments) for a in new.areas)} commitments carried over")


def _run(operation, directory: str):
    """``backup_service.backup`` or ``restore`` on this app's database and uploads; a refusal exits 1."""
    try:
        return operation(db.engine, current_app.config["UPLOAD_DIR"], directory, pg_bin=current_app.config.get("PG_BIN"))
    except backup_service.BackupError as exc:
        _fail(str(exc))


@click.command("backup")
@with_appcontext
@click.argument("directory", type=click.Path(file_okay=False))
def backup_command(directory: str) -> None:
    """A consistent copy of the database and the evidence files, with a SHA-256 manifest (safe while serving)."""
    report = _run(backup_service.backup, directory)
    for name in report.missing:
        click.echo(f"warning: {name} is named by a row but missing from the upload folder (see fsck)", err=True)
    for name in report.changed:
        click.echo(f"warning: {name} does not match its recorded sha256 (see fsck)", err=True)
    click.echo(f"backup: {report.rows} rows, {report.files} files, manifest {directory}/{backup_service.MANIFEST}")


@click.command("restore")
@with_appcontext
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
def restore_command(directory: str) -> None:
    """Restore a backup into an empty database and an empty upload folder, checking every checksum."""
    report = _run(backup_service.restore, directory)
    for name in report.missing:
        click.echo(f"warning: {name} was already missing when the backup was taken (see fsck)", err=True)
    click.echo(f"restored: {report.rows} rows, {report.files} files, checksums ok")


@click.command("fsck")
@with_appcontext
@click.option("--repair", is_flag=True, help="Move orphaned files to the quarantine folder beside the uploads.")
@click.option("--grace-minutes", default=15, show_default=True, type=click.IntRange(min=0),
              help="Leave unnamed files younger than this alone (a request may be about to commit them).")
@click.pass_context
def fsck_command(ctx: click.Context, repair: bool, grace_minutes: int) -> None:
    """List orphaned evidence files (no row) and missing ones (row without its file, or a changed file).

    Exit status 0 when nothing is wrong (or every orphan was quarantined), 1 otherwise.
    """
    upload_dir = current_app.config["UPLOAD_DIR"]
    report = fsck_service.check(upload_dir, grace=timedelta(minutes=grace_minutes))
    for name in report.orphans:
        click.echo(f"orphan\t{name}")
    for item in report.missing:
        reason = "file not found" if item.reason == "not_found" else "sha256 differs"
        click.echo(f"missing\t{item.stored_name}\t{item.owner}: {reason}")
    if repair and report.orphans:
        target = fsck_service.quarantine(report, upload_dir)
        click.echo(f"quarantined {len(report.quarantined)} files in {target}")
    summary = f"fsck: {len(report.orphans)} orphaned, {len(report.missing)} missing"
    if repair:
        summary += f", {len(report.quarantined)} quarantined"
    if report.young:
        summary += f" ({report.young} newer than {grace_minutes} minutes left alone)"
    click.echo(summary)
    ctx.exit(0 if report.clean else 1)


def register(app: Flask) -> None:
    from tracker.production import check_config_command
    from tracker.cli_plan import plan, reorganise_command
    from tracker.tools.demo_data import demo_data_command
    from tracker.worker import worker_command

    for command in (plan, reorganise_command, demo_data_command, check_config_command, worker_command,
                    seed_command, provinces, agencies, users, api_tokens, backup_command, restore_command,
                    fsck_command):
        app.cli.add_command(command)


__all__ = ["register"]

"""Command line for the plan: ``plan export AGREEMENT FILE``, ``plan import FILE --agreement AGREEMENT``,
and ``reorganise --from CODES --to CODE --on DATE``.

``plan import`` prints each error as ``row N: message`` (N as Excel numbers rows) and ends
with ``created: N, updated: N, unchanged: N, errors: N``; it writes only with ``--apply``
and no error, in one transaction. Exit status 1 when any row has an error.
"""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import force_locale
from sqlalchemy import func, select

from tracker.domain.codes import UserRole
from tracker.domain.plan_sheet import RowKind
from tracker import clock
from tracker.exports import plan_sheet
from tracker.extensions import db
from tracker.models import User
from tracker.plan_messages import FILE_ERRORS, message
from tracker.queries import plan as plan_queries
from tracker.services import plan_import, reorganise

plan = AppGroup("plan", help="The plan of an agreement: export and import the template.")


def _agreement(code: str):
    agreement = plan_queries.agreement_by_code(code)
    if agreement is None:
        raise click.ClickException(f"unknown agreement {code!r}")
    return agreement


def _actor(email: str | None) -> User:
    """Deadline changes name who made them: the given account, or the first active admin."""
    stmt = select(User).where(User.active.is_(True))
    stmt = stmt.where(func.lower(User.email) == email.strip().lower()) if email else stmt.where(User.role == UserRole.ADMIN)
    user = db.session.scalar(stmt.order_by(User.id).limit(1))
    if user is None:
        raise click.ClickException(f"no active account {email}" if email else "no admin account; pass --user EMAIL")
    return user


@plan.command("export")
@click.argument("code", metavar="AGREEMENT")
@click.argument("path", metavar="FILE.xlsx", type=click.Path(dir_okay=False))
def plan_export(code: str, path: str) -> None:
    """Write the agreement's plan in the import template's columns (.xlsx, or .csv)."""
    agreement = _agreement(code)
    cols, rows = plan_queries.export_rows(agreement, clock.today())
    with open(path, "wb") as out:
        (plan_sheet.write_csv if path.lower().endswith(".csv") else plan_sheet.write_xlsx)(cols, rows, out)
    click.echo(f"exported: {len(rows)} commitments to {path}")


@plan.command("import")
@click.argument("path", metavar="FILE.xlsx", type=click.Path(exists=True, dir_okay=False))
@click.option("--agreement", "code", required=True, help="The agreement's code, e.g. TN-BG-2023.")
@click.option("--apply", "apply_", is_flag=True, help="Write the changes (nothing is written without it).")
@click.option("--remove-missing", is_flag=True, help="Remove (soft delete) the commitments missing from the file.")
@click.option("--user", "email", default=None, help="The account the changes are recorded under (default: the first admin).")
@click.pass_context
def plan_import_command(ctx: click.Context, path: str, code: str, apply_: bool, remove_missing: bool,
                        email: str | None) -> None:
    """Check every row of the file; with --apply and no error, write it in one transaction."""
    agreement = _agreement(code)
    actor = _actor(email) if apply_ else None
    with force_locale("vi"):
        try:
            keys, rows = plan_sheet.read(Path(path).name, Path(path).read_bytes())
        except plan_sheet.SheetError as exc:
            raise click.ClickException(str(FILE_ERRORS.get(str(exc), exc))) from None
        context, result = plan_queries.check_file(agreement, keys, rows, clock.today())
        errors = 0
        for problem in result.header_problems:
            click.echo(f"row 1: {message(problem)}")
            errors += 1
        for row in result.rows:
            for problem in row.problems:
                click.echo(f"row {row.row}: {message(problem)}")
                errors += 1
    created, updated, unchanged = result.count(RowKind.CREATE), result.count(RowKind.UPDATE), result.count(RowKind.UNCHANGED)
    if apply_ and not errors:
        summary = plan_import.apply(agreement, result, context, actor, remove_missing=remove_missing,
                                    filename=Path(path).name)
        db.session.commit()
        if summary.removed:
            click.echo(f"removed: {summary.removed}")
    else:
        db.session.rollback()
    click.echo(f"created: {created}, updated: {updated}, unchanged: {unchanged}, errors: {errors}")
    ctx.exit(1 if errors else 0)




def _describe(result) -> list[str]:
    lines = []
    for assignment, move in result.assignments:
        c = assignment.commitment
        lines.append(f"assignment {c.code} ({c.area.agreement.code}, {assignment.party.province.code}, "
                     f"{assignment.role}): {assignment.agency.code} -> {result.target.code} [{move.value}]")
    for user in result.users:
        scope = user.agency.code if result.kind == "agency" else user.province.code
        lines.append(f"user {user.email}: {scope} -> {result.target.code}")
    for update in result.updates:
        lines.append(f"update {update.id} ({update.status}): {update.agency.code} -> {result.target.code}")
    return lines


@click.command("reorganise")
@click.option("--from", "from_codes", required=True, help="Codes of the agencies (or provinces) merged or renamed, comma-separated.")
@click.option("--to", "to_code", required=True, help="The code of the agency (or province) they become.")
@click.option("--on", "on", required=True, type=click.DateTime(formats=["%Y-%m-%d"]), help="The day it takes effect.")
@click.option("--apply", "apply_", is_flag=True, help="Write it (nothing is written without it).")
@click.option("--user", "email", default=None, help="The account the change is recorded under (default: the first admin).")
def reorganise_command(from_codes: str, to_code: str, on, apply_: bool, email: str | None) -> None:
    """Merge or rename agencies or provinces from a date: open assignments, users and open
    updates move to the successor; closed history and past reports stay as they were."""
    try:
        result = reorganise.plan(from_codes.split(","), to_code.strip(), on.date(), clock.today())
    except reorganise.ReorganisationError as exc:
        raise click.ClickException(str(exc)) from None
    for line in _describe(result):
        click.echo(line)
    counts = (f"moves: {len(result.assignments)} assignments, {len(result.users)} users, "
              f"{len(result.updates)} updates")
    if apply_:
        reorganise.apply(result, _actor(email))
        db.session.commit()
        click.echo(f"applied: {', '.join(s.code for s in result.sources)} -> {result.target.code} "
                   f"from {result.on.isoformat()}")
    else:
        db.session.rollback()
        click.echo("preview only: nothing written (add --apply)")
    click.echo(counts)


__all__ = ["plan", "reorganise_command"]

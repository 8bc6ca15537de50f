"""Notifications: the bell's list, marking read, the e-mail setting, the admins' outbox,
and the ``flask reminders send`` command (this blueprint's CLI group)."""
from __future__ import annotations

import time
from datetime import datetime

import click
from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, SubmitField

from tracker import clock, params
from tracker.extensions import db
from tracker.forms.auth import LogoutForm
from tracker.queries import notifications as notification_queries
from tracker.services import mail, reminders

# Routes carry their full paths: /notifications… for everyone, /admin/outbox for admins.
bp = Blueprint("notifications", __name__, cli_group="reminders")


class ReminderSettingsForm(FlaskForm):
    email_reminders = BooleanField(_l("Nhận thư điện tử nhắc việc (mỗi ngày tối đa một thư)"))
    submit = SubmitField(_l("Lưu cài đặt"))


@bp.app_template_global("unread_notifications")
def unread_notifications() -> int:
    """For the bell in base.html: the signed-in user's unread notifications."""
    return notification_queries.unread_count(current_user) if current_user.is_authenticated else 0


def _page() -> int:
    return params.arg_page()


@bp.get("/notifications")
def index():
    pagination = notification_queries.notifications_page(current_user, _page(), current_app.config["PAGE_SIZE"])
    items = reminders.describe(pagination.items, current_user)
    return render_template("notifications/index.html", pagination=pagination, items=items,
                           unread=notification_queries.unread_count(current_user), form=LogoutForm())


@bp.post("/notifications/read")
def read():
    if not LogoutForm().validate_on_submit():
        abort(400)
    reminders.mark_all_read(current_user)
    db.session.commit()
    flash(_("Đã đánh dấu tất cả thông báo là đã đọc."), "success")
    return redirect(url_for("notifications.index"))


@bp.route("/notifications/settings", methods=["GET", "POST"])
def settings():
    form = ReminderSettingsForm(obj=current_user)
    if form.validate_on_submit():
        reminders.set_email_reminders(current_user, form.email_reminders.data)
        db.session.commit()
        flash(_("Đã bật thư nhắc việc.") if form.email_reminders.data else _("Đã tắt thư nhắc việc."), "success")
        return redirect(url_for("notifications.settings"))
    return render_template("notifications/settings.html", form=form)


@bp.get("/admin/outbox")
def outbox():
    pagination = notification_queries.outbox_page(_page(), current_app.config["PAGE_SIZE"])
    return render_template("notifications/outbox.html", pagination=pagination)


@bp.cli.command("send")
@click.option("--today", "today_text", default=None, metavar="YYYY-MM-DD",
              help="Act as on this day (default: today in Vietnam).")
def send_command(today_text: str | None) -> None:
    """Send what is due: notifications, and one e-mail digest per person per day."""
    try:
        today = datetime.strptime(today_text, "%Y-%m-%d").date() if today_text else clock.today()
    except ValueError:
        raise click.ClickException(f"--today must be YYYY-MM-DD, got {today_text!r}") from None
    try:
        mailer = mail.mailer_from(current_app.config)
    except ValueError as exc:  # a malformed TRACKER_MAIL_* setting: say so before doing anything
        raise click.ClickException(str(exc)) from None
    result = reminders.send(today, mailer=mailer)
    click.echo(f"closed: {result.closed}")
    click.echo(f"notifications: {result.created}")
    click.echo(f"sent: {result.sent}")


@bp.cli.command("loop")
@click.option("--every", default=3600, type=click.IntRange(min=1), show_default=True,
              help="Seconds between runs.")
@click.option("--runs", default=0, type=click.IntRange(min=0), help="Stop after this many runs (0: never).")
def loop_command(every: int, runs: int) -> None:
    """`reminders send` now and then every hour, for `make run` where no cron runs; a failed run
    is logged and the next one tries again (the job is safe to repeat)."""
    done = 0
    while True:
        try:
            result = reminders.send(clock.today())
            click.echo(f"reminders: closed {result.closed}, notifications {result.created}, sent {result.sent}")
        except Exception:  # noqa: BLE001  (any failure: log it and keep the schedule)
            db.session.rollback()
            current_app.logger.exception("reminders send failed; trying again in %s s", every)
        db.session.remove()
        done += 1
        if runs and done >= runs:
            return
        time.sleep(every)

"""User administration, the audit log and the working-day calendar, for administrators only (see permissions)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from tracker.domain.codes import UserRole
from tracker import clock, i18n, params
from tracker.extensions import db
from tracker.forms.accounts import ACCOUNT_MESSAGES, AuditFilterForm, UserFilterForm, UserForm
from tracker.forms.auth import LogoutForm
from tracker.forms.workdays import CALENDAR_MESSAGES, CalendarDayForm
from tracker.models import CalendarDay, User
from tracker.queries import accounts as queries
from tracker.services import accounts, workdays
from tracker.status import calendar as work_calendar

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _field_error(form, exc: accounts.AccountError) -> None:
    target = getattr(form, exc.field or "email", form.email)
    target.errors = list(target.errors) + [ACCOUNT_MESSAGES.get(exc.code, str(exc))]


@bp.get("/users")
def users():
    form = UserFilterForm(request.args, meta={"csrf": False})
    pagination = queries.users(form.q.data or "", form.role.data or "", form.active.data or "", params.arg_page())
    return render_template("admin/users.html", form=form, pagination=pagination, action_form=LogoutForm())


@bp.route("/users/new", methods=["GET", "POST"])
def user_new():
    form = UserForm()
    form.load_choices()
    if form.validate_on_submit():
        temporary = accounts.generated_password()
        try:
            user = accounts.create_user(
                accounts.NewUser(
                    email=form.email.data, role=form.role.data, name=form.name.data,
                    province=form.province.data or None, agency=form.agency.data or None,
                    cleared=form.cleared.data, language=form.language.data,
                ),
                temporary, actor=current_user, must_change=True,
            )
        except accounts.AccountError as exc:
            db.session.rollback()
            _field_error(form, exc)
        else:
            db.session.commit()
            return render_template("admin/temporary_password.html", user=user, password=temporary, created=True)
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user_edit(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = UserForm(obj=user)
    form.load_choices()
    del form.email
    if request.method == "GET":
        form.province.data = user.province.code if user.province and user.role == UserRole.COORDINATOR else ""
        form.agency.data = user.agency.code if user.agency else ""
    if form.validate_on_submit():
        try:
            accounts.update_user(
                user, current_user, name=form.name.data, role=form.role.data,
                province=form.province.data or None, agency=form.agency.data or None,
                cleared=form.cleared.data, active=form.active.data,
            )
            user.language = form.language.data
        except accounts.AccountError as exc:
            db.session.rollback()
            target = getattr(form, exc.field or "role", form.role)
            target.errors = list(target.errors) + [ACCOUNT_MESSAGES.get(exc.code, str(exc))]
        else:
            db.session.commit()
            flash(_("Đã lưu tài khoản %(email)s.", email=user.email), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user, events=queries.events_about_user(user.id),
                           action_form=LogoutForm())


@bp.post("/users/<int:user_id>/reset")
def user_reset(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    if not LogoutForm().validate_on_submit():
        abort(400)
    temporary = accounts.reset_password(user, current_user)
    db.session.commit()
    return render_template("admin/temporary_password.html", user=user, password=temporary, created=False)


@bp.get("/audit")
def audit():
    form = AuditFilterForm(request.args, meta={"csrf": False})
    pagination = queries.audit_events(form.category.data or "", form.action.data or "", params.arg_page())
    return render_template("admin/audit.html", form=form, pagination=pagination)


def _calendar_year(default: int) -> int:
    year = request.args.get("year", type=int)
    return year if year is not None and work_calendar.FIRST_YEAR <= year <= work_calendar.LAST_YEAR else default


def _render_calendar(form: CalendarDayForm, year: int, status: int = 200):
    return render_template(
        "admin/calendar.html", form=form, year=year, declared=work_calendar.declared_in(year),
        holidays=work_calendar.public_holidays(year, i18n.language()), made_up=work_calendar.public_working_days(year),
        action_form=LogoutForm(), first_year=work_calendar.FIRST_YEAR, last_year=work_calendar.LAST_YEAR,
        weekday=lambda day: format_date(day, "EEEE"),
    ), status


@bp.route("/calendar", methods=["GET", "POST"])
def calendar():
    """Days off and make-up working days declared by administrators, and the year's public holidays."""
    form = CalendarDayForm()
    year = _calendar_year(clock.today().year)
    if request.method == "GET":
        return _render_calendar(form, year)
    if form.validate_on_submit():
        day = form.parsed_day
        try:
            workdays.declare(day, form.kind.data, form.reason.data, current_user)
        except workdays.CalendarError as exc:
            db.session.rollback()
            target = getattr(form, exc.field, form.day)
            target.errors = list(target.errors) + [CALENDAR_MESSAGES.get(exc.code, str(exc))]
            return _render_calendar(form, day.year, 400)
        db.session.commit()
        flash(_("Đã thêm ngày %(day)s vào lịch làm việc; hạn nộp báo cáo được tính lại theo ngày này.",
                day=day.strftime("%d/%m/%Y")), "success")
        return redirect(url_for("admin.calendar", year=day.year))
    parsed = getattr(form, "parsed_day", None)  # a valid day with a problem elsewhere: show its year
    return _render_calendar(form, parsed.year if parsed else year, 400)


@bp.post("/calendar/<int:day_id>/remove")
def calendar_remove(day_id: int):
    row = db.session.get(CalendarDay, day_id) or abort(404)
    if not LogoutForm().validate_on_submit():
        abort(400)
    day = row.day
    workdays.remove(row, current_user)
    db.session.commit()
    flash(_("Đã xóa ngày %(day)s khỏi danh sách khai báo.", day=day.strftime("%d/%m/%Y")), "success")
    return redirect(url_for("admin.calendar", year=day.year))

"""Registers of provinces and agencies (admins): list, and add one with its validity and predecessor."""
from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from tracker.extensions import db
from tracker.forms import choices
from tracker.forms.plan_edit import AgencyForm, ProvinceForm
from tracker.models import Agency, Province
from tracker.services import plan_edit
from tracker.views.plan_edit import saved

bp = Blueprint("registers", __name__)
NONE = [("", "—")]
PROVINCE_FIELDS = ("code", "name", "name_en", "valid_from", "valid_to")
AGENCY_FIELDS = (*PROVINCE_FIELDS, "kind")


def _data(form, names) -> dict:
    return {k: getattr(form, k).data or None for k in names}


def _by_code(model, code):
    return db.session.scalar(select(model).where(model.code == code)) if code else None


def _province_choices():
    return [(p.code, f"{p.name} ({p.code})") for p in db.session.scalars(select(Province).order_by(Province.code))]


@bp.route("/admin/provinces", methods=["GET", "POST"])
def provinces():
    form = ProvinceForm()
    form.predecessor.choices = choices(NONE + _province_choices())
    if form.validate_on_submit() and (done := saved(
            form, lambda: plan_edit.create_province(_data(form, PROVINCE_FIELDS),
                                                    _by_code(Province, form.predecessor.data), current_user),
            lambda province: _("Đã thêm %(name)s.", name=province.name),
            lambda province: url_for("registers.provinces"))):
        return done
    rows = db.session.scalars(select(Province).order_by(Province.valid_to.is_not(None), Province.code))
    return render_template("plan/provinces.html", form=form, provinces=list(rows))


@bp.route("/admin/agencies", methods=["GET", "POST"])
def agencies():
    form = AgencyForm()
    form.province.choices = choices(NONE + _province_choices())
    form.predecessor.choices = choices(NONE + [
        (a.code, f"{a.name} ({a.code})") for a in db.session.scalars(select(Agency).order_by(Agency.code))])
    if form.validate_on_submit() and (done := saved(
            form, lambda: plan_edit.create_agency(_data(form, AGENCY_FIELDS), _by_code(Province, form.province.data),
                                                  _by_code(Agency, form.predecessor.data), form.succession_kind.data,
                                                  current_user),
            lambda agency: _("Đã thêm %(name)s.", name=agency.name),
            lambda agency: url_for("registers.agencies"))):
        return done
    rows = db.session.scalars(select(Agency).join(Agency.province).order_by(Agency.valid_to.is_not(None), Agency.code))
    return render_template("plan/agencies.html", form=form, agencies=list(rows))

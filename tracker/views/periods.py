"""Reporting periods of an agreement, closing them, and the compliance board."""
from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker import clock, params
from tracker.exports.compliance import compliance_xlsx
from tracker.extensions import db
from tracker.forms.auth import LogoutForm
from tracker.models import Agreement
from tracker.permissions import can_close_period, sees_restricted
from tracker.queries import agreements as agreement_queries
from tracker.queries import compliance
from tracker.queries.commitments import province_lineage
from tracker.services import periods as service
from tracker.status import periods

bp = Blueprint("periods", __name__)


def _agreement() -> Agreement:
    if not request.args.get("agreement"):
        first = agreement_queries.all_agreements()
        if not first:
            abort(404)
        return first[0]
    agreement_id = params.arg_id("agreement")  # an id the database cannot hold names no agreement
    return (agreement_id and db.session.get(Agreement, agreement_id)) or abort(404)


@bp.get("/periods")
def index():
    agreement = _agreement()
    today = clock.today()
    views = list(reversed(periods.periods_of(agreement, today)))
    return render_template("periods/index.html", agreement=agreement, views=views, today=today,
                           can_close=can_close_period(current_user, agreement, today), form=LogoutForm(), schedule=periods.schedule_of(agreement))


@bp.post("/periods/<int:agreement_id>/<key>/close")
def close(agreement_id: int, key: str):
    agreement = db.session.get(Agreement, agreement_id) or abort(404)
    if not LogoutForm().validate_on_submit():
        abort(400)
    if not can_close_period(current_user, agreement, clock.today()):
        abort(403)
    view = periods.find(agreement, key, clock.today()) or abort(404)
    service.close(agreement, view, current_user, clock.today())
    db.session.commit()
    flash(_("Đã khóa kỳ báo cáo %(label)s; số liệu của kỳ được giữ nguyên.", label=view.period.label_vi), "success")
    return redirect(url_for("periods.index", agreement=agreement.id))


def _board_data():
    agreement = _agreement()
    today = clock.today()
    views = periods.periods_of(agreement, today)
    if not views:
        abort(404)
    key = request.args.get("period") or views[-1].period.key
    view = next((v for v in views if v.period.key == key), None) or abort(404)
    province = params.arg_id("province")
    area = params.arg_id("area")
    rows = compliance.obligations(
        agreement.id, view.period, see_restricted=sees_restricted(current_user),
        province_ids=province_lineage(province) if province else None, area_id=area,
    )
    return agreement, views, view, rows, province, area


@bp.get("/compliance")
def board():
    agreement, views, view, rows, province, area = _board_data()
    return render_template("periods/compliance.html", agreement=agreement, views=views, view=view,
                           agencies=compliance.by_agency(rows), rows=rows, province=province, area=area)


@bp.get("/compliance.xlsx")
def board_xlsx():
    agreement, _views, view, rows, _province, _area = _board_data()
    out = io.BytesIO()
    compliance_xlsx(view.period.label_vi, compliance.by_agency(rows), rows, out)
    out.seek(0)
    return send_file(out, as_attachment=True, download_name=f"tuan-thu-{agreement.code}-{view.period.key}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

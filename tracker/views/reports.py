"""The report builder and the report files (``/reports/status.<fmt>``, a link that reproduces the report)."""
from __future__ import annotations

import tempfile

from flask import Blueprint, abort, current_app, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from tracker import clock, exports, params
from tracker.domain.report import letterhead_for
from tracker.extensions import db
from tracker.forms import choices
from tracker.forms.reports import ReportForm
from tracker.models import Agreement, CooperationArea
from tracker.permissions import sees_restricted
from tracker.queries import agreements as agreement_queries
from tracker.queries import reports as queries
from tracker.status import periods as period_service
from tracker.views import report_jobs as jobs_view

bp = Blueprint("reports", __name__)
jobs_view.register(bp, lambda: _scope_from(request.args))


@bp.route("/reports", methods=["GET", "POST"])
def builder():
    form = ReportForm()
    agreements = agreement_queries.all_agreements()
    if not agreements:
        abort(404)
    form.agreement.choices = choices((a.id, a.short_title or a.title) for a in agreements)
    chosen = params.parse_id(form.agreement.data)
    agreement = (chosen and db.session.get(Agreement, chosen)) or agreements[0]
    views = list(reversed(period_service.periods_of(agreement, clock.today())))
    form.period.choices = choices([("", "—")] + [(v.period.key, v.period.label_vi + (" ✓" if v.closed else ""))
                                                 for v in views])
    form.province.choices = choices([("", "Cả hai tỉnh")] + [(p.province_id, p.province.name) for p in agreement.parties])
    form.area.choices = choices((a.id, f"{a.number}. {a.name}") for a in agreement.areas
                                if not a.restricted or sees_restricted(current_user))
    if request.method == "GET":
        for name in ReportForm.LETTERHEAD_FIELDS:
            getattr(form, name).data = (current_user.report_letterhead or {}).get(name, "")
    if form.validate_on_submit():
        current_user.report_letterhead = {name: getattr(form, name).data or "" for name in ReportForm.LETTERHEAD_FIELDS}
        db.session.commit()
        query = {"agreement": agreement.id, "profile": form.profile.data, "period": form.period.data or None,
                 "as_of": form.as_of.data.isoformat() if form.as_of.data and not form.period.data else None,
                 "province": form.province.data or None, "area": form.area.data or None}
        return _deliver(form.fmt.data, {k: v for k, v in query.items() if v})
    return render_template("reports/builder.html", form=form, agreement=agreement)


def _deliver(fmt: str, query: dict):
    """The builder's answer: the file's reproducible link or, for a document too large to build
    in a request, a background job and its progress page."""
    if fmt in jobs_view.DOCUMENTS:
        args = MultiDict([(k, x) for k, v in query.items() for x in (v if isinstance(v, list) else [v])])
        job = jobs_view.queue_if_large(_scope_from(args), fmt, query.get("profile"))
        if job is not None:
            return redirect(url_for("reports.job", job_id=job.id), 303)
    return redirect(url_for("reports.status", fmt=fmt, **query))


@bp.get("/reports/status.<fmt>")
def status(fmt: str):
    if fmt not in exports.FORMATS:
        abort(404)
    scope = _scope_from(request.args)
    letterhead = letterhead_for(jobs_view.profile_of(request.args.get("profile")),
                                current_app.config["REPORT_LETTERHEADS"], current_user.report_letterhead)
    if fmt in jobs_view.DOCUMENTS and (rows := jobs_view.rows_if_large(scope)):
        # Tens of thousands of rows take minutes: built in the background once the user asks (a POST).
        return render_template("reports/too_large.html", rows=rows, fmt=fmt,
                               limit=current_app.config["REPORT_DOCUMENT_MAX_ROWS"],
                               queue=url_for("reports.job_new", fmt=fmt, **request.args.to_dict(flat=False)),
                               xlsx=url_for("reports.status", fmt="xlsx", **request.args.to_dict(flat=False)))
    try:
        report = queries.build(scope, clock.today(), letterhead)
    except queries.ReportError:
        abort(404)
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    exports.write(report, fmt, out)
    out.seek(0)
    return send_file(out, mimetype=exports.FORMATS[fmt], as_attachment=True,
                     download_name=exports.filename(report, fmt), max_age=0)


def _scope_from(args) -> queries.Scope:
    """The report's scope from query arguments; an unknown or hidden field answers 404, a bad date 400."""
    agreement_id = params.parse_id(args.get("agreement"))
    agreement = db.session.get(Agreement, agreement_id) if agreement_id else None
    if agreement is None:
        agreement = (agreement_queries.all_agreements() or [None])[0] or abort(404)
    areas = tuple(n for n in (params.parse_id(v) for v in args.getlist("area")) if n is not None)
    if any(not _visible_area(a) for a in areas):
        abort(404)
    as_of_date = params.parse_date(args.get("as_of")) if args.get("as_of") else None
    if args.get("as_of") and as_of_date is None:
        abort(400)  # a signed report never silently changes its date
    return queries.Scope(agreement=agreement, as_of=as_of_date, period_key=args.get("period") or None,
                         province=params.parse_id(args.get("province")), areas=areas,
                         agency=params.parse_id(args.get("agency")), see_restricted=sees_restricted(current_user))


def _visible_area(area_id: int) -> bool:
    area = db.session.get(CooperationArea, area_id)
    return area is not None and (not area.restricted or sees_restricted(current_user))

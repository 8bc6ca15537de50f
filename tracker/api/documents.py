"""Reading implementing documents: the register's filters and query, a page at a time, hiding
what the /documents page hides from those not cleared for restricted fields."""
from __future__ import annotations

from flask import url_for
from flask_login import current_user

from tracker.api import bp
from tracker.api import document_schemas as ds
from tracker.api import serialize
from tracker.api.spec import answers, spec
from tracker.domain.documents import TYPE_LABELS_VI
from tracker.models import ImplementingDocument
from tracker.permissions import sees_restricted
from tracker.queries import documents as queries

TAGS = ("read",)


def document(d: ImplementingDocument, cleared: bool) -> dict:
    served = [c.id for c in d.commitments if cleared or not c.area.restricted]
    file = None
    if d.stored_name:
        file = {"name": d.original_name, "kind": d.kind, "content_type": d.content_type, "size": d.size,
                "url": url_for("documents.download", document_id=d.id)}
    return {"id": d.id, "agreement_id": d.agreement_id, "province": serialize.province_ref(d.province),
            "doc_type": d.doc_type, "doc_type_label": str(TYPE_LABELS_VI[d.doc_type]),
            "number_symbol": d.number_symbol, "issued_on": serialize.day(d.issued_on), "issuing_body": d.issuing_body,
            "subject": d.subject, "is_demo": d.is_demo, "file": file, "commitment_ids": served}


@bp.get("/documents")
@spec.validate(resp=answers(ds.DocumentPage), tags=TAGS)
def documents(query: ds.DocumentQuery):
    """The implementing documents' register, newest first: the same filters and search as /documents."""
    cleared = sees_restricted(current_user)
    filters = queries.DocumentFilters(q=query.q, agreement=query.agreement, commitment=query.commitment)
    pagination = queries.search(filters, cleared, query.page, query.per_page)
    return {"items": [document(d, cleared) for d in pagination.items], "page": query.page,
            "per_page": query.per_page, "total": pagination.total or 0, "pages": pagination.pages}

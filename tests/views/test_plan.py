"""The plan import page: template downloads, a preview with errors by row, confirmation of
the staged file, and a coordinator held to their province's side."""
from __future__ import annotations

import csv
import io
import re

from sqlalchemy import select

from tests.client import csrf_token
from tests.factories import agreement
from tracker.extensions import db
from tracker.models import Commitment

TOKEN = re.compile(r'name="token"[^>]*value="([^"]+)"')


def template_rows(client, current=True):
    url = f"/plan/template.csv?agreement={agreement().id}" + ("&current=1" if current else "")
    response = client.get(url)
    assert response.status_code == 200 and response.headers["Cache-Control"].startswith("no-store")
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def upload(client, rows, name="plan.csv", remove_missing=False):
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    data = {"csrf_token": csrf_token(client, "/plan/import"), "agreement": str(agreement().id),
            "file": (io.BytesIO(out.getvalue().encode("utf-8-sig")), name)}
    if remove_missing:
        data["remove_missing"] = "y"
    return client.post("/plan/import", data=data, content_type="multipart/form-data")


def new_row(code, title, lead_tn="TN-STC", lead_bn="BN-SXD", due="31/12/2027"):
    return ["7", code, title, "", "", "01/01/2027", due, "", lead_tn, "", lead_bn, ""]


def test_templates_download_in_both_formats(login_as):
    client = login_as("admin")
    empty = template_rows(client, current=False)
    assert len(empty) == 1 and "Mã nhiệm vụ (code)" in empty[0] and "Cơ quan chủ trì BN (lead BN)" in empty[0]
    assert len(template_rows(client)) == 30
    response = client.get(f"/plan/template.xlsx?agreement={agreement().id}")
    assert response.status_code == 200 and response.data[:2] == b"PK"
    assert client.get(f"/plan/template.pdf?agreement={agreement().id}").status_code == 404
    assert client.get("/plan/template.xlsx?agreement=999999").status_code == 404


def test_preview_lists_errors_by_row_then_a_fixed_file_is_confirmed(login_as):
    client = login_as("admin")
    header = template_rows(client, current=False)[0]
    rows = [header, new_row("7.91", "Hội chợ chung"), new_row("7.92", "Diễn đàn đầu tư", lead_bn="Sở Không Có"),
            new_row("7.93", "Khảo sát khu công nghiệp")]
    html = upload(client, rows).get_data(as_text=True)
    assert 'data-row="3"' in html and "Sở Không Có" in html and "không tìm thấy cơ quan" in html
    assert TOKEN.search(html) is None  # nothing to confirm while a row has an error
    assert db.session.scalar(select(Commitment).where(Commitment.code == "7.91")) is None
    rows[2] = new_row("7.92", "Diễn đàn đầu tư", lead_bn="sở tài chính tỉnh bắc ninh")
    html = upload(client, rows).get_data(as_text=True)
    assert "Thêm mới: 3" in html
    token = TOKEN.search(html).group(1)
    assert db.session.scalar(select(Commitment).where(Commitment.code == "7.91")) is None  # not yet
    response = client.post("/plan/import", data={"csrf_token": csrf_token(client, "/plan/import"), "token": token,
                                                 "remove_missing": ""})
    assert response.status_code == 302 and f"agreement={agreement().id}" in response.headers["Location"]
    codes = set(db.session.scalars(select(Commitment.code).where(Commitment.code.in_(["7.91", "7.92", "7.93"]))))
    assert codes == {"7.91", "7.92", "7.93"}
    listing = client.get(f"/commitments?agreement={agreement().id}&q=Diễn đàn đầu tư").get_data(as_text=True)
    assert "Diễn đàn đầu tư" in listing
    again = client.post("/plan/import", data={"csrf_token": csrf_token(client, "/plan/import"), "token": token})
    assert again.status_code == 302  # the staged file is used once


def test_english_preview_words_errors_in_english(app, login_as):
    from tests.factories import user

    client = login_as("admin")
    user().language = "en"
    db.session.commit()
    header = template_rows(client, current=False)[0]
    html = upload(client, [header, new_row("7.91", "X", due="31/02/2027")]).get_data(as_text=True)
    assert "Due date" in html or "not a date" in html


def test_a_coordinator_cannot_change_the_other_province_side(login_as):
    client = login_as("coordinator")  # Thái Nguyên
    rows = template_rows(client)
    col = {h.rsplit("(", 1)[1].rstrip(")"): i for i, h in enumerate(rows[0])}
    rows[1][col["lead BN"]] = "BN-SXD"
    html = upload(client, rows).get_data(as_text=True)
    assert "không được thay đổi phần việc của tỉnh BN" in html and TOKEN.search(html) is None


def test_a_token_is_only_good_for_its_uploader(login_as, app):
    client = login_as("admin")
    header = template_rows(client, current=False)[0]
    token = TOKEN.search(upload(client, [header, new_row("7.91", "X")]).get_data(as_text=True)).group(1)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/profile")})
    other = login_as("coordinator")
    response = other.post("/plan/import", data={"csrf_token": csrf_token(other, "/plan/import"), "token": token})
    assert response.status_code == 302
    assert db.session.scalar(select(Commitment).where(Commitment.code == "7.91")) is None

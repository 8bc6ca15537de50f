"""Every page signed in and signed out, 404s, and what each page shows."""
import re
import unicodedata

import pytest
from sqlalchemy import select

from tests.client import csrf_token, sign_in
from tracker.extensions import db
from tracker.models import Agency, Agreement, Commitment, CooperationArea


def ids():
    agreement = db.session.scalar(select(Agreement).where(Agreement.code == "TN-BG-2023"))
    open_area = next(a for a in agreement.areas if not a.restricted)
    restricted_area = next(a for a in agreement.areas if a.restricted)
    return {
        "agreement": agreement.id,
        "area": open_area.id,
        "restricted_area": restricted_area.id,
        "commitment": open_area.commitments[0].id,
        "restricted_commitment": restricted_area.commitments[0].id,
        "agency": db.session.scalar(select(Agency.id).where(Agency.code == "TN-STC")),
    }


PAGES = [
    "/",
    "/agreements/{agreement}",
    "/areas/{area}",
    "/commitments",
    "/commitments?q=thai+nguyen&page=2",
    "/commitments/{commitment}",
    "/agencies/{agency}",
]


@pytest.mark.parametrize("path", PAGES)
def test_signed_out_visitors_are_sent_to_login(client, path):
    response = client.get(path.format(**ids()))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("role", ["admin", "coordinator", "officer", "viewer"])
@pytest.mark.parametrize("path", PAGES)
def test_signed_in_users_see_every_page(login_as, role, path):
    client = login_as(role)
    response = client.get(path.format(**ids()))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="vi">' in html
    assert "Đăng xuất" in html


def test_public_endpoints(client):
    assert client.get("/login").status_code == 200
    assert client.get("/healthz").get_json() == {"status": "ok"}
    for path in ("/static/css/app.css", "/bootstrap/static/css/bootstrap.min.css"):
        with client.get(path) as response:
            assert response.status_code == 200


def test_json_requests_get_401_not_a_redirect(client):
    assert client.get("/dashboard.json").status_code in (401, 404)
    response = client.get("/commitments", headers={"Accept": "application/json"})
    assert response.status_code == 401 and response.get_json() == {"error": "unauthorized"}


@pytest.mark.parametrize(
    "path",
    ["/nope", "/agreements/999999", "/areas/999999", "/commitments/999999", "/agencies/999999", "/commitments/abc"],
)
def test_unknown_urls_and_ids_are_404_pages(login_as, path):
    response = login_as("viewer").get(path)
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.get_data(as_text=True)


def test_agreement_page_shows_parties_mergers_fields_and_counts(login_as):
    client = login_as("admin")
    html = client.get(f"/agreements/{ids()['agreement']}").get_data(as_text=True)
    assert "Nguyễn Thanh Hải" in html and "Dương Văn Thái" in html
    assert "Từ ngày 01 tháng 07 năm 2025, Tỉnh Bắc Giang hợp nhất với Tỉnh Bắc Ninh thành Tỉnh Bắc Ninh (mới)." in html
    assert "Tỉnh Thái Nguyên hợp nhất với Tỉnh Bắc Kạn thành Tỉnh Thái Nguyên (mới)." in html
    assert "Chưa xác minh" in html
    rows = re.findall(r'<a href="/areas/\d+">', html)
    assert len(rows) == 9
    total = db.session.scalar(select(db.func.count(Commitment.id)))
    assert re.search(rf'fw-semibold">{total}</td>', html)


def test_uncleared_users_do_not_see_restricted_areas(login_as):
    client = login_as("viewer")
    i = ids()
    html = client.get(f"/agreements/{i['agreement']}").get_data(as_text=True)
    assert len(re.findall(r'<a href="/areas/\d+">', html)) == 7
    assert "2 lĩnh vực hạn chế" in html
    assert client.get(f"/areas/{i['restricted_area']}").status_code == 404
    assert client.get(f"/commitments/{i['restricted_commitment']}").status_code == 404
    listing = client.get("/commitments?q=").get_data(as_text=True)
    assert f'/commitments/{i["restricted_commitment"]}"' not in listing
    assert "thuộc lĩnh vực hạn chế không được hiển thị" in listing


def test_cleared_users_see_restricted_areas(login_as):
    client = login_as("cleared_viewer")
    i = ids()
    assert client.get(f"/areas/{i['restricted_area']}").status_code == 200
    assert client.get(f"/commitments/{i['restricted_commitment']}").status_code == 200


def test_commitment_page_shows_source_and_assignments_with_names_as_assigned(login_as):
    client = login_as("viewer")
    commitment = db.session.scalar(
        select(Commitment).join(Commitment.area).where(CooperationArea.restricted.is_(False), Commitment.code == "7.1")
    )
    html = client.get(f"/commitments/{commitment.id}").get_data(as_text=True)
    assert commitment.title in html
    assert commitment.source_text in html
    assert "Chủ trì" in html and "Lịch sử phân công" in html
    for a in commitment.current_assignments:
        assert a.agency_name in html


def test_agency_page_shows_predecessors_and_work(login_as):
    client = login_as("viewer")
    html = client.get(f"/agencies/{ids()['agency']}").get_data(as_text=True)
    assert "Sở Tài chính tỉnh Thái Nguyên" in html
    assert "Tiền thân" in html and "Sở Tài chính tỉnh Bắc Kạn" in html
    assert "Nhiệm vụ đang phụ trách" in html
    old = db.session.scalar(select(Agency).where(Agency.code == "TN97-SKHDT"))
    html = client.get(f"/agencies/{old.id}").get_data(as_text=True)
    assert "Đã hợp nhất/giải thể" in html and "Nhiệm vụ đã chuyển giao" in html


def listed_ids(html):
    return set(re.findall(r'href="/commitments/(\d+)"', html))


@pytest.mark.parametrize(
    "variants",
    [
        ["thai nguyen", "THÁI NGUYÊN", unicodedata.normalize("NFD", "Thái Nguyên"), "Thai Nguyen"],
        ["hài hòa", "hài hoà", "HAI HOA", unicodedata.normalize("NFD", "hài hoà")],
        ["vành đai V", "vanh dai v", "VÀNH ĐAI v"],
    ],
)
def test_search_ignores_case_diacritics_and_normal_form(login_as, variants):
    client = login_as("admin")
    results = [listed_ids(client.get("/commitments", query_string={"q": v}).get_data(as_text=True)) for v in variants]
    assert results[0], f"nothing found for {variants[0]!r}"
    assert all(r == results[0] for r in results)


@pytest.mark.parametrize(
    "query",
    ["🙂🙂", "\x00\x01\x1f", "a" * 10_000, "%", "_", "\\", "' OR 1=1 --", "\u202e\ufeff", "\ud7ff"],
)
def test_any_search_string_answers_normally(login_as, query):
    response = login_as("viewer").get("/commitments", query_string={"q": query})
    assert response.status_code == 200


def test_percent_matches_literally(login_as):
    html = login_as("admin").get("/commitments", query_string={"q": "%"}).get_data(as_text=True)
    assert listed_ids(html) == set()


def test_filters_by_area_province_and_agency(login_as):
    client = login_as("admin")
    i = ids()
    area_ids = listed_ids(client.get("/commitments", query_string={"area": i["area"]}).get_data(as_text=True))
    expected = {str(c.id) for c in db.session.get(CooperationArea, i["area"]).commitments}
    assert area_ids == expected
    # Today's Sở Tài chính finds what its predecessor, Sở Kế hoạch và Đầu tư, was given in 2023.
    old = db.session.scalar(select(Agency).where(Agency.code == "TN97-SKHDT"))
    by_new = listed_ids(client.get("/commitments", query_string={"agency": i["agency"]}).get_data(as_text=True))
    by_old = listed_ids(client.get("/commitments", query_string={"agency": old.id}).get_data(as_text=True))
    assert by_old and by_old <= by_new
    bn = db.session.scalar(select(db.text("id FROM provinces WHERE code = 'BN'")))
    assert client.get("/commitments", query_string={"province": bn}).status_code == 200


def test_pagination(login_as):
    client = login_as("admin")
    first = listed_ids(client.get("/commitments").get_data(as_text=True))
    second = listed_ids(client.get("/commitments?page=2").get_data(as_text=True))
    assert len(first) == 25 and second and not first & second
    assert client.get("/commitments?page=999").status_code == 200
    assert client.get("/commitments?page=-3").status_code == 200
    assert client.get("/commitments?area=abc&agency=x").status_code == 200


def test_language_switch_sticks_for_the_user(client, login_as):
    login_as("viewer")
    token = csrf_token(client, "/")
    response = client.post("/language", data={"lang": "en", "next": "/commitments", "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/commitments"
    html = client.get("/commitments").get_data(as_text=True)
    assert '<html lang="en">' in html and "Sign out" in html
    # another browser, signed in as the same user, opens in English too
    other = client.application.test_client()
    sign_in(other, "lanhdao@example.com")
    assert '<html lang="en">' in other.get("/").get_data(as_text=True)


def test_the_language_buttons_return_to_the_page_and_its_filters(login_as):
    client = login_as("viewer")
    nexts = re.compile(r'name="next" value="([^"]*)"')
    assert set(nexts.findall(client.get("/commitments?q=n%C3%B4ng").get_data(as_text=True))) == {"/commitments?q=n%C3%B4ng"}
    # an address no link of ours makes, a megabyte long, is not sent back in the page (the search
    # box alone keeps what was typed): the buttons return to its path
    page = client.get("/commitments", query_string={"q": "a" * 2**20}).get_data(as_text=True)
    assert set(nexts.findall(page)) == {"/commitments"} and page.count("a" * 2**20) == 1
    response = client.post("/language", data={"lang": "en", "next": nexts.findall(page)[0],
                                              "csrf_token": csrf_token(client, "/")})
    assert response.status_code == 302 and response.headers["Location"] == "/commitments"


def test_language_switch_refuses_unknown_language_and_missing_token(client):
    token = csrf_token(client)
    assert client.post("/language", data={"lang": "fr", "csrf_token": token}).status_code == 400
    assert client.post("/language", data={"lang": "en"}).status_code == 400


def test_accept_language_english_is_honoured_before_sign_in(client):
    html = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in html
    html = client.get("/login", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="vi">' in html


def test_dates_read_the_vietnamese_way(login_as):
    client = login_as("viewer")
    commitment = db.session.scalar(
        select(Commitment).join(Commitment.area).where(CooperationArea.restricted.is_(False), Commitment.due_date.is_not(None))
    )
    html = client.get(f"/commitments/{commitment.id}").get_data(as_text=True)
    assert commitment.due_date.strftime("%d/%m/%Y") in html


def test_no_page_loads_anything_from_another_host(login_as):
    client = login_as("admin")
    for path in PAGES:
        html = client.get(path.format(**ids())).get_data(as_text=True)
        assert not re.search(r'(src|href)="(https?:)?//', html), path

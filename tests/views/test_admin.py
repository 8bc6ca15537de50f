"""User administration: create, edit role and scope, deactivate, with messages and audit."""
import re

from sqlalchemy import func, select

from tests.client import csrf_token, sign_in
from tracker.extensions import db
from tracker.models import AuditEvent, User


def form(client, path, **fields):
    return client.post(path, data={"csrf_token": csrf_token(client, path), **fields})


def test_admin_creates_a_user_with_a_temporary_password(app, login_as):
    admin = login_as("admin")
    response = form(admin, "/admin/users/new", email="Moi@Example.com", name="Cán bộ mới", role="officer",
                    agency="BN-SYT", province="", language="vi")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Đã tạo tài khoản" in html
    temporary = re.search(r'<code class="fs-4 user-select-all">([^<]+)</code>', html).group(1)
    created = db.session.scalar(select(User).where(User.email == "moi@example.com"))
    assert created.role == "officer" and created.agency.code == "BN-SYT" and created.must_change_password
    newcomer = app.test_client()
    assert sign_in(newcomer, "moi@example.com", temporary).status_code == 302
    assert newcomer.get("/").headers["Location"] == "/profile/password"


def test_names_are_stored_without_control_or_bidi_characters(login_as):
    admin = login_as("admin")
    response = form(admin, "/admin/users/new", email="bidi@example.com", name="Trần\x00 \u202eVăn\u202c An\x7f",
                    role="viewer", language="vi")
    assert response.status_code == 200
    created = db.session.scalar(select(User).where(User.email == "bidi@example.com"))
    db.session.refresh(created)
    assert created.name == "Trần Văn An"


def test_admin_creates_an_intranet_address_that_can_sign_in(app, login_as):
    admin = login_as("admin")
    html = form(admin, "/admin/users/new", email="ops@tinh.local", name="Vận hành", role="viewer",
                province="", agency="", language="vi").get_data(as_text=True)
    temporary = re.search(r'<code class="fs-4 user-select-all">([^<]+)</code>', html).group(1)
    assert sign_in(app.test_client(), "ops@tinh.local", temporary).status_code == 302
    html = form(admin, "/admin/users/new", email="ops@@tinh.local", name="Sai", role="viewer",
                language="vi").get_data(as_text=True)
    assert "Địa chỉ thư điện tử không hợp lệ." in html and 'value="ops@@tinh.local"' in html


def test_create_user_errors_are_shown_beside_the_field_and_input_kept(login_as):
    admin = login_as("admin")
    before = db.session.scalar(select(func.count(User.id)))
    html = form(admin, "/admin/users/new", email="canbo@example.com", name="Trùng", role="viewer",
                language="vi").get_data(as_text=True)
    assert "Đã có tài khoản dùng địa chỉ thư điện tử này." in html
    assert 'value="Trùng"' in html
    html = form(admin, "/admin/users/new", email="x@example.com", name="Thiếu cơ quan", role="officer",
                agency="", language="vi").get_data(as_text=True)
    assert "Cán bộ cần được gán một cơ quan." in html and 'value="Thiếu cơ quan"' in html
    assert db.session.scalar(select(func.count(User.id))) == before


def test_role_change_is_audited_with_before_and_after(login_as):
    admin = login_as("admin")
    target = db.session.scalar(select(User).where(User.email == "lanhdao@example.com"))
    response = form(admin, f"/admin/users/{target.id}", name=target.name, role="coordinator", province="BN",
                    agency="", cleared="y", active="y", language="vi")
    assert response.status_code == 302
    db.session.expire_all()
    target = db.session.get(User, target.id)
    assert target.role == "coordinator" and target.province.code == "BN" and target.cleared
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user_role_changed"))
    assert event.details["changes"]["role"] == ["viewer", "coordinator"]
    assert event.details["changes"]["scope"] == ["*", "BN"]


def test_deactivating_a_user_ends_their_sessions(app, login_as):
    admin = login_as("admin")
    target = db.session.scalar(select(User).where(User.email == "lanhdao@example.com"))
    victim = app.test_client()
    sign_in(victim, "lanhdao@example.com")
    form(admin, f"/admin/users/{target.id}", name=target.name, role="viewer", language="vi")  # active unticked
    assert victim.get("/").status_code == 302
    assert sign_in(app.test_client(), "lanhdao@example.com").status_code == 200


def test_admin_cannot_demote_themselves(login_as):
    admin = login_as("admin")
    me = db.session.scalar(select(User).where(User.email == "admin@example.com"))
    html = form(admin, f"/admin/users/{me.id}", name="x", role="viewer", active="y",
                language="vi").get_data(as_text=True)
    assert "Bạn không thể tự bỏ quyền quản trị" in html


def test_missing_csrf_token_changes_nothing(login_as):
    admin = login_as("admin")
    target = db.session.scalar(select(User).where(User.email == "lanhdao@example.com"))
    response = admin.post(f"/admin/users/{target.id}", data={"name": "x", "role": "admin", "active": "y"})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(User, target.id).role == "viewer"


def test_user_list_filters(login_as):
    admin = login_as("admin")
    html = admin.get("/admin/users?role=officer").get_data(as_text=True)
    assert "canbo@example.com" in html and "lanhdao@example.com" not in html
    assert "lanhdao" in admin.get("/admin/users?q=LANHDAO").get_data(as_text=True)


def test_audit_page_lists_events_read_only(login_as):
    admin = login_as("admin")
    html = admin.get("/admin/audit?category=security").get_data(as_text=True)
    assert "Đăng nhập thành công" in html and "<form method=\"post\"" not in html.split("<main")[1]

"""Error pages in the user's language: 403, 404 and 500."""
from flask import abort


def test_500_page_in_vietnamese_and_english(app, login_as, monkeypatch):
    def boom():
        raise RuntimeError("boom")

    monkeypatch.setitem(app.view_functions, "commitments.index", boom)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    client = login_as("viewer")
    response = client.get("/commitments")
    assert response.status_code == 500
    assert "Đã có lỗi xảy ra" in response.get_data(as_text=True)
    response = client.get("/commitments", headers={"Accept-Language": "en"})
    assert "Đã có lỗi xảy ra" in response.get_data(as_text=True)  # the user's own choice (vi) wins
    assert client.get("/").status_code == 200  # the app goes on


def test_403_page(app, login_as, monkeypatch):
    monkeypatch.setitem(app.view_functions, "commitments.index", lambda: abort(403))
    response = login_as("viewer").get("/commitments")
    assert response.status_code == 403
    assert "Không có quyền truy cập" in response.get_data(as_text=True)


def test_404_in_english_for_an_english_browser(client):
    response = client.get("/no-such-page", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)

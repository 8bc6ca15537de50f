"""/healthz answers 200 when the database does, 503 when it does not."""
from tests.apps import make_app


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_healthz_503_when_database_is_unreachable(tmp_path):
    app = make_app("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1", tmp_path)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json() == {"status": "unavailable"}

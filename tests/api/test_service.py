"""Authentication, health, the OpenAPI document and error documents."""

from api import create_app


def test_requests_without_a_valid_token_are_401_problems(client):
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/tasks", headers=headers)
        assert response.status_code == 401
        assert response.mimetype == "application/problem+json"
        assert response.headers["WWW-Authenticate"] == "Bearer"


def test_healthz_needs_no_token(client):
    for path in ("/healthz", "/api/v1/healthz"):
        assert client.get(path).json == {"status": "ok"}


def test_healthz_is_503_when_the_database_does_not_answer(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["title"] == "Service Unavailable"


def test_openapi_document_and_docs_page_are_served(client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["info"]["title"] == "Market Regulation BPM"
    assert "/api/v1/tasks/{task_id}/complete" in spec["paths"]
    assert spec["security"] == [{"bearerAuth": []}]
    assert "Problem" in spec["components"]["schemas"]
    assert client.get("/api/docs").status_code == 200
    assert client.get("/api/docs/assets/swagger-ui-bundle.js").status_code == 200


def test_unknown_route_is_a_404_problem(client, auth):
    response = client.get("/api/v1/nowhere", headers=auth.headers("clerk"))
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_unexpected_errors_hide_the_traceback(app, client, auth):
    @app.route("/api/v1/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = client.get("/api/v1/boom", headers=auth.headers("clerk"))
    assert response.status_code == 500
    assert "secret" not in response.get_data(as_text=True)
    assert response.json["request_id"]

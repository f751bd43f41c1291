"""Signed portal requests: replays, stale or tampered requests, credentials kept apart, rate limits."""

import json

import pytest

from .portal_support import case_record

EVENTS = "/api/v1/portal/events"


def test_a_signed_request_is_accepted(portal):
    assert portal.get(EVENTS).status_code == 200


def test_a_replayed_request_is_refused(portal):
    assert portal.get(EVENTS, nonce="replayed-nonce-0001").status_code == 200
    again = portal.get(EVENTS, nonce="replayed-nonce-0001")
    assert again.status_code == 401
    assert again.mimetype == "application/problem+json"
    assert "already used" in again.json["detail"]


@pytest.mark.parametrize("skew", [-301, 301])
def test_a_stale_or_future_timestamp_is_refused(portal, clock, skew):
    response = portal.get(EVENTS, timestamp=int(clock.now().timestamp()) + skew)
    assert response.status_code == 401
    assert "timestamp" in response.json["detail"]
    assert response.headers["WWW-Authenticate"] == 'HMAC-SHA256 realm="portal"'


def test_the_window_follows_the_engine_clock(portal, clock):
    signed_at = int(clock.now().timestamp())
    clock.advance(minutes=4)
    assert portal.get(EVENTS, timestamp=signed_at).status_code == 200
    clock.advance(minutes=2)
    assert portal.get(EVENTS, timestamp=signed_at).status_code == 401


def test_a_tampered_body_is_refused(portal):
    path = "/api/v1/portal/applications"
    signed_body = json.dumps(case_record()).encode()
    tampered = json.dumps(case_record(channel="counter")).encode()
    headers = portal.headers("POST", path, signed_body)
    response = portal.client.post(path, data=tampered, headers=headers, content_type="application/json")
    assert response.status_code == 401
    assert "signature" in response.json["detail"]


def test_a_tampered_query_string_is_refused(portal):
    headers = portal.headers("GET", f"{EVENTS}?after=0", b"")
    assert portal.client.get(f"{EVENTS}?after=5", headers=headers).status_code == 401


def test_a_wrong_secret_or_unknown_client_is_refused(portal):
    portal.secret = "not-the-secret"
    assert portal.get(EVENTS).status_code == 401
    assert portal.client.get(EVENTS).status_code == 401


def test_a_staff_token_cannot_call_portal_routes(client, auth, portal):
    response = client.get(EVENTS, headers=auth.headers("admin"))
    assert response.status_code == 401
    assert "X-Signature" in response.json["detail"]


def test_a_portal_signature_cannot_call_staff_routes(portal):
    for path in ("/api/v1/tasks", "/api/v1/admin/outbox"):
        response = portal.get(path)
        assert response.status_code == 401, path
        assert "Bearer" in response.json["detail"]


def test_rate_limit_answers_429_with_retry_after(app, portal, other_portal):
    app.config["BPM_PORTAL_RATE_LIMIT"] = "3/minute"
    assert [portal.get(EVENTS).status_code for _ in range(3)] == [200, 200, 200]
    limited = portal.get(EVENTS)
    assert limited.status_code == 429
    assert limited.mimetype == "application/problem+json"
    assert limited.json["status"] == 429
    assert 0 <= int(limited.headers["Retry-After"]) <= 60
    assert other_portal.get(EVENTS).status_code == 200

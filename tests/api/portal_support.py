"""A portal as tests see it: a signing client for the portal routes and a real webhook receiver."""

from __future__ import annotations

import hashlib
import json
import threading
import time
import uuid
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from workflows.portal.signing import sign, signature_matches

from ..factories import credit_code

ITEM_CODE = "11120000MB1T5T4C8L4000117004000"


def case_record(procedure: str = "normal", **overrides) -> dict:
    """A qualification approval case record (办件) as a portal submits it."""
    record = {
        "item_code": ITEM_CODE,
        "item_version": "2.0",
        "applicant": {"name": "天津市某检测技术有限公司", "id_type": "uscc", "id_number": credit_code()},
        "agent": {"name": "王经办", "id_type": "id_card", "id_number": "120101199001011234"},
        "channel": "web",
        "received_at": "2026-03-02T08:55:00+08:00",
        "materials": [
            {
                "name": "申请书",
                "type": "application_form",
                "file_ref": "oss://portal/a1.pdf",
                "sha256": hashlib.sha256(b"a1").hexdigest(),
            },
        ],
        "item_data": {"application_type": "first", "procedure": procedure, "fields": ["食品", "环境监测"]},
    }
    record.update(overrides)
    return record


class SignedPortal:
    """Sends signed requests to the portal routes through the Flask test client."""

    def __init__(self, client, clock, client_id: str, secret: str):
        self.client, self.clock = client, clock
        self.client_id, self.secret = client_id, secret

    def headers(self, method, path, body: bytes, nonce=None, timestamp=None) -> dict:
        timestamp = str(timestamp if timestamp is not None else int(self.clock.now().timestamp()))
        nonce = nonce or uuid.uuid4().hex
        return {
            "X-Client-Id": self.client_id,
            "X-Timestamp": timestamp,
            "X-Nonce": nonce,
            "X-Signature": sign(self.secret, method, path, timestamp, nonce, body),
        }

    def send(self, method, path, json_body=None, headers=None, **signing):
        body = json.dumps(json_body, ensure_ascii=False).encode() if json_body is not None else b""
        all_headers = {**self.headers(method, path, body, **signing), **(headers or {})}
        return self.client.open(
            path, method=method, data=body, headers=all_headers, content_type="application/json"
        )

    def get(self, path, **kwargs):
        return self.send("GET", path, **kwargs)

    def post(self, path, json_body=None, **kwargs):
        return self.send("POST", path, json_body if json_body is not None else {}, **kwargs)

    def submit(self, record=None, key=None, status=201) -> dict:
        headers = {"Idempotency-Key": key} if key else None
        response = self.post("/api/v1/portal/applications", record or case_record(), headers=headers)
        assert response.status_code == status, response.json
        return response.json


class Receiver:
    """A webhook on 127.0.0.1 that checks every signature and answers as told.

    ``plan`` holds answers for the next requests: an HTTP status, or ``"hang"`` to answer only
    after ``hang_seconds``; when it is empty every event is accepted (200). ``while_answering``,
    when set, is called before each answer and what it returns is kept as ``"seen"``.
    """

    def __init__(self, clock, secret: str | None = None):
        self.clock, self.secret = clock, secret
        self.plan: deque = deque()
        self.hang_seconds = 1.0
        self.delay_seconds = 0.0
        self.while_answering = None
        self.requests: list[dict] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/bpm?tenant=tj"

    def start(self) -> Receiver:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def accepted(self) -> list[dict]:
        """The events answered with 2xx in time, in arrival order."""
        return [r["event"] for r in self.requests if r["answer"] == 200]

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                answer = receiver.plan.popleft() if receiver.plan else 200
                time.sleep(receiver.delay_seconds)
                seen = receiver.while_answering() if receiver.while_answering else None
                receiver.requests.append(
                    {
                        "event": json.loads(body),
                        "answer": answer,
                        "signed": receiver.verify(self, body),
                        "seen": seen,
                    }
                )
                if answer == "hang":
                    time.sleep(receiver.hang_seconds)
                self.send_response(200 if answer == "hang" else answer)
                self.end_headers()

            def log_message(self, *args):
                pass

        return Handler

    def verify(self, request, body: bytes) -> bool:
        headers = request.headers
        fresh = abs(int(headers["X-Timestamp"]) - self.clock.now().timestamp()) <= 300
        return fresh and signature_matches(
            self.secret,
            headers["X-Signature"],
            "POST",
            request.path,
            headers["X-Timestamp"],
            headers["X-Nonce"],
            body,
        )

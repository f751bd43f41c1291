"""The HMAC-SHA256 request signature shared by portal requests and the bureau's webhooks.

The signed text is five lines joined by ``\\n``::

    METHOD                 upper case, e.g. POST
    PATH                   path and query string as sent, e.g. /api/v1/portal/events?after=3
    TIMESTAMP              Unix time in whole seconds, as in X-Timestamp
    NONCE                  X-Nonce: 16 to 64 characters of [A-Za-z0-9_-], never reused
    BODY-SHA256            lowercase hex SHA-256 of the raw body (of b"" when there is none)

and ``X-Signature`` is the lowercase hex HMAC-SHA256 of that text (UTF-8) keyed with the
client secret (UTF-8). The client's id travels in ``X-Client-Id``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime
from urllib.parse import urlsplit

CLIENT_ID_HEADER = "X-Client-Id"
TIMESTAMP_HEADER = "X-Timestamp"
NONCE_HEADER = "X-Nonce"
SIGNATURE_HEADER = "X-Signature"
NONCE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def string_to_sign(method: str, path: str, timestamp: str, nonce: str, body: bytes) -> str:
    digest = hashlib.sha256(body or b"").hexdigest()
    return "\n".join([method.upper(), path, timestamp, nonce, digest])


def sign(secret: str, method: str, path: str, timestamp: str, nonce: str, body: bytes) -> str:
    """The hex HMAC-SHA256 signature of a request."""
    text = string_to_sign(method, path, timestamp, nonce, body)
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()


def signature_matches(secret: str, signature: str, method, path, timestamp, nonce, body) -> bool:
    expected = sign(secret, method, path, timestamp, nonce, body)
    return hmac.compare_digest(expected, signature or "")


def signed_headers(client_id: str, secret: str, method: str, url: str, body: bytes, now: datetime) -> dict:
    """Headers that sign a request to ``url`` (its path and query) at ``now`` with a fresh nonce."""
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    timestamp, nonce = str(int(now.timestamp())), secrets.token_urlsafe(18)
    return {
        CLIENT_ID_HEADER: client_id,
        TIMESTAMP_HEADER: timestamp,
        NONCE_HEADER: nonce,
        SIGNATURE_HEADER: sign(secret, method, path, timestamp, nonce, body),
    }

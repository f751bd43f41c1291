"""Migration 0009: portal Idempotency-Keys move into the table staff starts use, and back."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from api.database import db

from .portal_support import case_record


def test_portal_idempotency_keys_move_to_the_shared_table_and_back(app, request):
    with app.app_context():
        db.drop_all()
        upgrade()
    portal = request.getfixturevalue("portal")
    record = case_record()
    first = portal.submit(record, key="moved-key")
    with app.app_context():
        downgrade(revision="0008")
        kept = db.session.execute(text("SELECT idempotency_key, request_hash FROM portal_cases")).one()
        assert kept.idempotency_key == "moved-key" and len(kept.request_hash) == 64
        assert db.session.scalar(text("SELECT count(*) FROM idempotency_records")) == 0
        db.session.remove()
        upgrade()
    assert portal.submit(record, key="moved-key", status=200)["case_no"] == first["case_no"]
    assert portal.submit(key="new-key")["case_no"] != first["case_no"]

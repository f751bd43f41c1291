"""The portal command: registering clients and mapping service item codes."""

from sqlalchemy import select

from api.database import db
from workflows.persistence.models import PortalClient, ServiceItem


def test_register_prints_a_client_id_and_secret_usable_for_signing(app):
    result = app.test_cli_runner().invoke(
        args=["portal", "register", "tj-zwfw", "--webhook", "https://portal.example.cn/hooks/bpm"]
    )
    assert result.exit_code == 0, result.output
    lines = dict(line.split(":", 1) for line in result.output.strip().splitlines())
    client_id, secret = lines["client id"].strip(), lines["secret"].strip()
    with app.app_context():
        stored = db.session.scalar(select(PortalClient).where(PortalClient.client_id == client_id))
        assert (stored.name, stored.secret) == ("tj-zwfw", secret)
        assert stored.webhook_url == "https://portal.example.cn/hooks/bpm"


def test_register_refuses_a_duplicate_name_and_a_bad_webhook(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["portal", "register", "tj-zwfw"])
    again = runner.invoke(args=["portal", "register", "tj-zwfw"])
    assert again.exit_code != 0 and "already registered" in again.output
    bad = runner.invoke(args=["portal", "register", "other", "--webhook", "ftp://x"])
    assert bad.exit_code != 0 and "http(s)" in bad.output


def test_item_maps_a_code_to_a_process_with_its_default_steps(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["portal", "item", "000117004000", "qualification_approval", "--name", "资质认定"]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        item = db.session.get(ServiceItem, "000117004000")
        assert item.steps["supplements"] == "submit_supplements"
        assert item.decision_prefix == "津市监资认"
    listed = runner.invoke(args=["portal", "items"])
    assert "000117004000  qualification_approval  资质认定" in listed.output


def test_item_takes_explicit_steps_and_refuses_unknown_roles(app):
    runner = app.test_cli_runner()
    ok = runner.invoke(
        args=[
            "portal",
            "item",
            "X1",
            "other_flow",
            "--name",
            "其他",
            "--step",
            "supplements=fix_docs",
            "--decision-prefix",
            "津市监许",
        ]
    )
    assert ok.exit_code == 0, ok.output
    with app.app_context():
        item = db.session.get(ServiceItem, "X1")
        assert (item.steps, item.decision_prefix) == ({"supplements": "fix_docs"}, "津市监许")
    bad = runner.invoke(args=["portal", "item", "X1", "other_flow", "--name", "其他", "--step", "approve=x"])
    assert bad.exit_code != 0 and "unknown step roles" in bad.output


def test_register_refuses_a_name_with_a_trailing_newline(app):
    result = app.test_cli_runner().invoke(args=["portal", "register", "tj-zwfw\n"])
    assert result.exit_code != 0 and "invalid portal name" in result.output
    with app.app_context():
        assert db.session.scalars(select(PortalClient)).all() == []


def test_item_refuses_a_name_with_a_bidi_override(app):
    result = app.test_cli_runner().invoke(
        args=["portal", "item", "000117004000", "qualification_approval", "--name", "资质\u202e认定"]
    )
    assert result.exit_code != 0 and "U+202E" in result.output
    with app.app_context():
        assert db.session.get(ServiceItem, "000117004000") is None

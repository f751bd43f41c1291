"""The command-line entry points."""

from sqlalchemy import select

from workflows.database import db
from workflows.models import ApiToken, User


def test_users_create_prints_only_a_token_stored_hashed(app, client):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "wang", "--group", "clerk"])
    assert result.exit_code == 0
    token = result.output.strip()
    assert len(token) > 30 and "\n" not in token
    with app.app_context():
        stored = db.session.scalars(select(ApiToken.token_hash)).all()
    assert token not in stored
    assert client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_users_create_adds_groups_to_an_existing_user(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["users", "create", "wang", "--group", "clerk"])
    runner.invoke(args=["users", "create", "wang", "--group", "approver"])
    with app.app_context():
        assert db.session.scalar(select(User.groups).where(User.name == "wang")) == ["approver", "clerk"]


def test_users_create_refuses_bad_group_names(app):
    result = app.test_cli_runner().invoke(args=["users", "create", "wang", "--group", "Bad Group"])
    assert result.exit_code != 0
    assert "invalid group" in result.output


def test_deploy_command_deploys_folders_idempotently(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["deploy", "bpmn", "forms"])
    assert "qualification_approval v1 (new version)" in first.output
    second = runner.invoke(args=["deploy", "bpmn", "forms"])
    assert "qualification_approval v1 (unchanged)" in second.output


def test_demo_users_come_with_a_reviewer_and_inspector_pool(app, client):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["users", "demo"])
    assert first.exit_code == 0, first.output
    token = next(line.split()[-1] for line in first.output.splitlines() if line.strip().startswith("admin1"))
    assert runner.invoke(args=["users", "demo"]).exit_code == 0
    people = client.get("/api/v1/registries/people", headers={"Authorization": f"Bearer {token}"}).json
    assert sorted(p["username"] for p in people) == ["expert1", "inspector1", "inspector2", "leader1"]


def test_users_create_refuses_a_name_with_a_trailing_newline_or_control_character(app):
    runner = app.test_cli_runner()
    for name in ["wang\n", "wang\x1b[31m", "wang\u202e"]:
        result = runner.invoke(args=["users", "create", name, "--group", "clerk"])
        assert result.exit_code != 0, name
        assert "invalid user name" in result.output
    with app.app_context():
        assert db.session.scalars(select(User.name)).all() == []

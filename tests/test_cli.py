"""The command-line entry points."""

from sqlalchemy import select

from api.database import db
from workflows.persistence.models import ApiToken, User

from .factories import credit_code


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


def test_an_applicant_account_is_bound_to_a_valid_institution(app, client):
    runner = app.test_cli_runner()
    unbound = runner.invoke(args=["users", "create", "zhang", "--group", "applicant"])
    assert unbound.exit_code != 0 and "institution" in unbound.output
    invalid = ["users", "create", "zhang", "--group", "applicant", "--institution", "91120000ABCDEFGHIJ"]
    assert "GB 32100" in runner.invoke(args=invalid).output
    code = credit_code()
    bound = runner.invoke(args=["users", "create", "zhang", "--group", "applicant", "--institution", code])
    assert bound.exit_code == 0, bound.output
    with app.app_context():
        assert db.session.scalar(select(User.institution_code).where(User.name == "zhang")) == code
    headers = {"Authorization": f"Bearer {bound.output.strip()}"}
    assert client.get("/api/v1/process-instances", headers=headers).status_code == 200


def test_deploy_command_deploys_folders_idempotently(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["deploy", "bpmn", "forms"])
    assert "qualification_approval v1 (new version)" in first.output
    second = runner.invoke(args=["deploy", "bpmn", "forms"])
    assert "qualification_approval v1 (unchanged)" in second.output


def test_users_create_refuses_a_name_with_a_trailing_newline_or_control_character(app):
    runner = app.test_cli_runner()
    for name in ["wang\n", "wang\x1b[31m", "wang\u202e"]:
        result = runner.invoke(args=["users", "create", name, "--group", "clerk"])
        assert result.exit_code != 0, name
        assert "invalid user name" in result.output
    with app.app_context():
        assert db.session.scalars(select(User.name)).all() == []

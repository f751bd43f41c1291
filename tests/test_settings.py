"""Each setting is declared once; the Flask configuration, the environment override, the
engine's configuration and the README's tables follow from the declaration."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from api import create_app
from api.database import db
from api.settings import DECLARED
from workflows.config import EngineConfig
from workflows.users import create_user_token

README = Path(__file__).resolve().parent.parent / "README.md"
_ROW = re.compile(r"^\|\s*(`BPM_[^|]*)\|([^|]*)\|")
# A value other than the default that the setting accepts.
_OTHER_TEXT = {
    "BPM_CLOCK": "simulated",
    "BPM_CERTIFICATE_VALIDITY_END": "corresponding_day",
    "BPM_PORTAL_RATE_LIMIT": "7/minute",
    "BPM_PORTAL_RATE_LIMIT_STORAGE_URI": "memory://",
}


def _readme_defaults() -> dict[str, list[str]]:
    """Each ``BPM_*`` variable of the README's configuration tables with the defaults given."""
    found: dict[str, list[str]] = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        match = _ROW.match(line)
        if match:
            names = re.findall(r"`([^`]+)`", match.group(1))
            values = re.findall(r"`([^`]+)`", match.group(2))
            assert len(names) == len(values), f"README row names {names} but gives defaults {values}"
            for name, value in zip(names, values, strict=True):
                found.setdefault(name, []).append(value)
    return found


def _app(tmp_path):
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite'}"})


def _other_value(declared):
    if declared.type is str:
        return _OTHER_TEXT.get(declared.env, declared.default + "9")
    return declared.default + declared.type(1)


def test_readme_tables_give_every_setting_once_with_its_default():
    documented = _readme_defaults()
    assert {name: values for name, values in documented.items() if len(values) > 1} == {}
    assert {s.env: [str(s.default)] for s in DECLARED} == documented


def test_every_setting_is_declared_once_with_a_meaning():
    names = [s.env for s in DECLARED]
    assert len(names) == len(set(names))
    assert all(s.doc.strip() and s.type in (int, float, str) for s in DECLARED)


@pytest.mark.parametrize("declared", DECLARED, ids=lambda s: s.env)
def test_environment_variable_reaches_flask_and_the_engine(declared, monkeypatch, tmp_path):
    value = _other_value(declared)
    monkeypatch.setenv(declared.env, str(value))
    app = _app(tmp_path)
    assert app.config[declared.env] == value
    engine_fields = {f.name for f in dataclasses.fields(EngineConfig)}
    if declared.name in engine_fields:
        assert getattr(app.extensions["engine_config"], declared.name) == value


def test_engine_defaults_are_the_declared_defaults(tmp_path):
    app = _app(tmp_path)
    assert app.extensions["engine_config"].oversight_thresholds == (0.5, 0.8)
    for declared in DECLARED:
        assert app.config[declared.env] == declared.default


def test_json_depth_from_the_environment_bounds_request_bodies(monkeypatch, tmp_path):
    monkeypatch.setenv("BPM_MAX_JSON_DEPTH", "3")
    app = _app(tmp_path)
    with app.app_context():
        db.create_all()
        token = create_user_token(app.extensions["engine_config"], "clerk1", ["clerk"])
        headers = {"Authorization": f"Bearer {token}"}
    body = {"name": "m", "business_key": "K-1", "variables": {"a": {"b": {"c": 1}}}}
    response = app.test_client().post("/api/v1/messages", json=body, headers=headers)
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["detail"] == "nested deeper than 3 levels"

"""Request-scoped access to the acting user and the engine configuration."""

from flask import current_app, g

from workflows.config import EngineConfig
from workflows.users import Actor


def actor() -> Actor:
    return g.actor


def config() -> EngineConfig:
    return current_app.extensions["engine_config"]

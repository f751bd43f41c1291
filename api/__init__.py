"""The Flask application factory."""

from __future__ import annotations

import os

from flask import Flask

from workflows.config import EngineConfig
from workflows.wiring import register

from . import auth, cli, database, errors, health, settings
from .admin.routes import blp as admin_blp
from .case_admin import BLUEPRINTS as case_admin_blueprints
from .definitions.routes import blp as definitions_blp
from .deployments.routes import blp as deployments_blp
from .draws.routes import blp as draws_blp
from .instances.routes import blp as instances_blp
from .messages.routes import blp as messages_blp
from .notifications.routes import blp as notifications_blp
from .operations.returns_routes import blp as returns_blp
from .operations.task_operation_routes import blp as task_operations_blp
from .portal import auth as portal_auth
from .portal.admin_routes import blp as portal_admin_blp
from .portal.routes import blp as portal_blp
from .registries.routes import blp as registries_blp
from .restrictions.routes import blp as restrictions_blp
from .smorest import Api
from .tasks.routes import blp as tasks_blp
from .web import init_app as init_web

MIGRATIONS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "migrations")


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.json.ensure_ascii = False
    app.config.from_object(settings.Settings)
    app.config.update(settings.defaults())
    app.config.update(settings.from_environment(app.instance_path))
    app.config.update(overrides or {})
    app.config["SECRET_KEY"] = app.config.get("SECRET_KEY") or settings.secret_key(app.instance_path)
    os.makedirs(app.instance_path, exist_ok=True)

    database.init_app(app, MIGRATIONS)
    config = app.config.get("ENGINE_CONFIG") or EngineConfig.from_settings(app.config)
    config.sessions = config.sessions or database.db.session
    config.clock = settings.engine_clock(app.config, config.clock)
    app.extensions["engine_config"] = config
    register()

    api = Api(app)
    blueprints = (deployments_blp, definitions_blp, instances_blp, tasks_blp, messages_blp)
    for blueprint in (*blueprints, notifications_blp, admin_blp, registries_blp, draws_blp):
        api.register_blueprint(blueprint)
    api.register_blueprint(restrictions_blp)
    api.register_blueprint(task_operations_blp)
    api.register_blueprint(returns_blp)
    api.register_blueprint(portal_blp)
    api.register_blueprint(portal_admin_blp)
    for blueprint in case_admin_blueprints:
        api.register_blueprint(blueprint)
    app.register_blueprint(health.blp)
    app.register_blueprint(health.docs_assets)
    auth.init_app(app, api)
    portal_auth.init_limits(app, portal_blp)
    errors.init_app(app)
    init_web(app)
    cli.init_app(app)
    return app

"""The Flask application factory."""

from __future__ import annotations

import os

from flask import Flask
from flask_migrate import Migrate

from workflows.config import EngineConfig
from workflows.persistence.database import configure_engine, db

from . import auth, cli, errors, health, settings
from .admin.routes import blp as admin_blp
from .definitions.routes import blp as definitions_blp
from .deployments.routes import blp as deployments_blp
from .draws.routes import blp as draws_blp
from .instances.routes import blp as instances_blp
from .messages.routes import blp as messages_blp
from .notifications.routes import blp as notifications_blp
from .portal import auth as portal_auth
from .portal.admin_routes import blp as portal_admin_blp
from .portal.routes import blp as portal_blp
from .registries.routes import blp as registries_blp
from .restrictions.routes import blp as restrictions_blp
from .smorest import Api
from .tasks.routes import blp as tasks_blp

MIGRATIONS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "migrations")


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.json.ensure_ascii = False
    app.config.from_object(settings.Settings)
    app.config.update(settings.from_environment(app.instance_path))
    app.config.update(overrides or {})
    os.makedirs(app.instance_path, exist_ok=True)

    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    Migrate(app, db, directory=MIGRATIONS)
    app.extensions["engine_config"] = app.config.get("ENGINE_CONFIG") or _engine_config(app.config)

    api = Api(app)
    blueprints = (deployments_blp, definitions_blp, instances_blp, tasks_blp, messages_blp)
    for blueprint in (*blueprints, notifications_blp, admin_blp, registries_blp, draws_blp):
        api.register_blueprint(blueprint)
    api.register_blueprint(restrictions_blp)
    api.register_blueprint(portal_blp)
    api.register_blueprint(portal_admin_blp)
    app.register_blueprint(health.blp)
    app.register_blueprint(health.docs_assets)
    auth.init_app(app, api)
    portal_auth.init_limits(app, portal_blp)
    errors.init_app(app)
    cli.init_app(app)
    return app


def _engine_config(config) -> EngineConfig:
    return EngineConfig(
        max_task_depth=config["BPM_MAX_TASK_DEPTH"],
        max_json_depth=config["BPM_MAX_JSON_DEPTH"],
        script_time_limit_seconds=config["BPM_SCRIPT_TIME_LIMIT_SECONDS"],
        script_memory_limit_mb=config["BPM_SCRIPT_MEMORY_LIMIT_MB"],
        max_call_depth=config["BPM_MAX_CALL_DEPTH"],
        certificate_region_code=config["BPM_CERTIFICATE_REGION_CODE"],
        certificate_validity_end=config["BPM_CERTIFICATE_VALIDITY_END"],
        oversight_thresholds=(config["BPM_REMINDER_SHARE"], config["BPM_WARNING_SHARE"]),
        job_lease_seconds=config["BPM_JOB_LEASE_SECONDS"],
        job_max_attempts=config["BPM_JOB_MAX_ATTEMPTS"],
        job_backoff_seconds=config["BPM_JOB_BACKOFF_SECONDS"],
        conflict_cooling_off_years=config["BPM_CONFLICT_COOLING_OFF_YEARS"],
        workload_limit=config["BPM_WORKLOAD_LIMIT"],
        workload_period_days=config["BPM_WORKLOAD_PERIOD_DAYS"],
        min_inspectors_per_target=config["BPM_MIN_INSPECTORS_PER_TARGET"],
        portal_signature_window_seconds=config["BPM_PORTAL_SIGNATURE_WINDOW_SECONDS"],
        portal_webhook_timeout_seconds=config["BPM_PORTAL_WEBHOOK_TIMEOUT_SECONDS"],
        portal_delivery_attempts=config["BPM_PORTAL_DELIVERY_ATTEMPTS"],
        portal_delivery_backoff_seconds=config["BPM_PORTAL_DELIVERY_BACKOFF_SECONDS"],
        portal_case_region_code=config["BPM_PORTAL_CASE_REGION_CODE"],
        portal_decision_prefix=config["BPM_PORTAL_DECISION_PREFIX"],
    )

"""The HTTP host's database handle: Flask-SQLAlchemy manages the engine and a session per
request (app context), Flask-Migrate runs the migrations. The engine only ever sees
``db.session`` as the session factory the app factory puts into its configuration."""

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

from workflows.wiring import ENGINE_OPTIONS, METADATA, configure_engine

db = SQLAlchemy(metadata=METADATA, engine_options=ENGINE_OPTIONS)


def init_app(app, migrations: str) -> None:
    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    Migrate(app, db, directory=migrations)

"""The Alembic migrations build exactly the schema the models describe."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from api.database import db


def _migrated_schema_matches_models(app):
    with app.app_context():
        db.drop_all()
        upgrade()
        with db.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert diff == []
        downgrade(revision="base")
        with db.engine.connect() as connection:
            assert db.engine.dialect.get_table_names(connection) == ["alembic_version"]


def test_migrations_match_models_on_sqlite(app):
    _migrated_schema_matches_models(app)


@pytest.mark.postgres
def test_migrations_match_models_on_postgres(app):
    _migrated_schema_matches_models(app)

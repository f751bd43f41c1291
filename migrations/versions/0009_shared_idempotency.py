"""shared idempotency

Portal submissions keep their Idempotency-Key in ``idempotency_records``, as staff starts do,
instead of in two columns of ``portal_cases``; existing keys move there with the scope
``portal:<client id>`` (the portal's actor name).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08 09:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_PORTAL_SCOPE = (
    "'portal:' || (SELECT pc.client_id FROM portal_clients pc WHERE pc.id = portal_cases.client_id)"
)


def upgrade():
    op.execute(
        "INSERT INTO idempotency_records (scope, key, request_hash, instance_id, created_at) "
        f"SELECT {_PORTAL_SCOPE}, idempotency_key, request_hash, instance_id, created_at "
        "FROM portal_cases WHERE idempotency_key IS NOT NULL AND instance_id IS NOT NULL"
    )
    with op.batch_alter_table("portal_cases", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_portal_cases_client_id"), type_="unique")
        batch_op.drop_column("request_hash")
        batch_op.drop_column("idempotency_key")


def downgrade():
    with op.batch_alter_table("portal_cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("idempotency_key", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("request_hash", sa.String(length=64), nullable=True))
    record = (
        "FROM idempotency_records r WHERE r.instance_id = portal_cases.instance_id "
        f"AND r.scope = {_PORTAL_SCOPE}"
    )
    op.execute(
        f"UPDATE portal_cases SET idempotency_key = (SELECT r.key {record}), "
        f"request_hash = COALESCE((SELECT r.request_hash {record}), '')"
    )
    op.execute("DELETE FROM idempotency_records WHERE scope LIKE 'portal:%'")
    with op.batch_alter_table("portal_cases", schema=None) as batch_op:
        batch_op.alter_column("request_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_portal_cases_client_id"), ["client_id", "idempotency_key"]
        )

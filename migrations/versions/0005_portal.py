"""portal

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 06:00:00.223368

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "portal_clients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("secret", sa.String(length=100), nullable=False),
        sa.Column("webhook_url", sa.String(length=1000), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_clients")),
        sa.UniqueConstraint("client_id", name=op.f("uq_portal_clients_client_id")),
        sa.UniqueConstraint("name", name=op.f("uq_portal_clients_name")),
    )
    op.create_table(
        "service_items",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("process_key", sa.String(length=255), nullable=False),
        sa.Column("steps", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("decision_prefix", sa.String(length=32), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_service_items")),
    )
    op.create_table(
        "portal_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_no", sa.String(length=32), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.String(length=36), nullable=True),
        sa.Column("item_code", sa.String(length=64), nullable=False),
        sa.Column("item_version", sa.String(length=32), nullable=False),
        sa.Column("applicant", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("agent", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("materials", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("item_data", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("query_password_hash", sa.String(length=200), nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=True),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision", sa.String(length=16), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("decision_no", sa.String(length=64), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("certificate_no", sa.String(length=64), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rating_level", sa.Integer(), nullable=True),
        sa.Column("rating_comment", sa.Text(), nullable=True),
        sa.Column("rated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_event_seq", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["portal_clients.id"], name=op.f("fk_portal_cases_client_id_portal_clients")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_cases")),
        sa.UniqueConstraint("case_no", name=op.f("uq_portal_cases_case_no")),
        sa.UniqueConstraint("client_id", "idempotency_key", name=op.f("uq_portal_cases_client_id")),
        sa.UniqueConstraint("instance_id", name=op.f("uq_portal_cases_instance_id")),
    )
    with op.batch_alter_table("portal_cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_portal_cases_client_id"), ["client_id"], unique=False)

    op.create_table(
        "portal_nonces",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["portal_clients.id"], name=op.f("fk_portal_nonces_client_id_portal_clients")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_nonces")),
        sa.UniqueConstraint("client_id", "nonce", name=op.f("uq_portal_nonces_client_id")),
    )
    with op.batch_alter_table("portal_nonces", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_portal_nonces_expires_at"), ["expires_at"], unique=False)

    op.create_table(
        "portal_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("case_no", sa.String(length=32), nullable=False),
        sa.Column("case_seq", sa.Integer(), nullable=False),
        sa.Column("client_seq", sa.Integer(), nullable=True),
        sa.Column("event_type", sa.String(length=32), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["portal_clients.id"], name=op.f("fk_portal_outbox_client_id_portal_clients")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_outbox")),
        sa.UniqueConstraint("case_no", "case_seq", name=op.f("uq_portal_outbox_case_no")),
        sa.UniqueConstraint("client_id", "client_seq", name=op.f("uq_portal_outbox_client_id")),
        sa.UniqueConstraint("event_id", name=op.f("uq_portal_outbox_event_id")),
    )
    with op.batch_alter_table("portal_outbox", schema=None) as batch_op:
        batch_op.create_index("ix_portal_outbox_state_id", ["state", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("portal_outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_portal_outbox_state_id")

    op.drop_table("portal_outbox")
    with op.batch_alter_table("portal_nonces", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_portal_nonces_expires_at"))

    op.drop_table("portal_nonces")
    with op.batch_alter_table("portal_cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_portal_cases_client_id"))

    op.drop_table("portal_cases")
    op.drop_table("service_items")
    op.drop_table("portal_clients")

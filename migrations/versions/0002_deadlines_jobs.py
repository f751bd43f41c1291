"""deadlines, calendar, jobs, notifications

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 04:53:55.605810

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "calendar_years",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("holidays", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("workdays", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("loaded_by", sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_calendar_years")),
    )
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("dedup_key", sa.String(length=255), nullable=False),
        sa.Column("instance_id", sa.String(length=36), nullable=True),
        sa.Column("payload", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_owner", sa.String(length=255), nullable=True),
        sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
        sa.UniqueConstraint("dedup_key", name=op.f("uq_jobs_dedup_key")),
    )
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_jobs_instance_id"), ["instance_id"], unique=False)
        batch_op.create_index("ix_jobs_state_due_at", ["state", "due_at"], unique=False)

    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("recipient_group", sa.String(length=64), nullable=True),
        sa.Column("recipient_user", sa.String(length=255), nullable=True),
        sa.Column("instance_id", sa.String(length=36), nullable=True),
        sa.Column("task_id", sa.String(length=36), nullable=True),
        sa.Column("business_key", sa.String(length=255), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index("ix_notifications_recipient_group", ["recipient_group", "id"], unique=False)
        batch_op.create_index("ix_notifications_recipient_user", ["recipient_user", "id"], unique=False)

    with op.batch_alter_table("process_definitions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "properties",
                sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
                nullable=False,
                server_default=sa.text("'{}'"),
            )
        )

    with op.batch_alter_table("process_instances", schema=None) as batch_op:
        batch_op.add_column(sa.Column("statutory_limit", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("statutory_started_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("statutory_due_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column(
                "clock_pauses",
                sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
                nullable=False,
                server_default=sa.text("'[]'"),
            )
        )
        batch_op.add_column(
            sa.Column("calendar_incomplete", sa.Boolean(), nullable=False, server_default=sa.false())
        )

    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deadline", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("clock_started_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("remind_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("warn_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("calendar_incomplete", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_index("ix_tasks_state_due_at", ["state", "due_at"], unique=False)
        batch_op.create_index("ix_tasks_state_warn_at", ["state", "warn_at"], unique=False)


def downgrade():
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_tasks_state_warn_at")
        batch_op.drop_index("ix_tasks_state_due_at")
        batch_op.drop_column("calendar_incomplete")
        batch_op.drop_column("warn_at")
        batch_op.drop_column("remind_at")
        batch_op.drop_column("clock_started_at")
        batch_op.drop_column("deadline")

    with op.batch_alter_table("process_instances", schema=None) as batch_op:
        batch_op.drop_column("calendar_incomplete")
        batch_op.drop_column("clock_pauses")
        batch_op.drop_column("statutory_due_at")
        batch_op.drop_column("statutory_started_at")
        batch_op.drop_column("statutory_limit")

    with op.batch_alter_table("process_definitions", schema=None) as batch_op:
        batch_op.drop_column("properties")

    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_recipient_user")
        batch_op.drop_index("ix_notifications_recipient_group")

    op.drop_table("notifications")
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_jobs_state_due_at")
        batch_op.drop_index(batch_op.f("ix_jobs_instance_id"))

    op.drop_table("jobs")
    op.drop_table("calendar_years")

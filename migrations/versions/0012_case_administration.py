"""case administration: copies, notices read, training clock

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 09:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
# 0012 once the Step 8 branches are merged (this branch does not have 0011 and 0012)
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "training_clock",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offset_seconds", sa.Double(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_clock")),
    )
    op.create_table(
        "notification_reads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notification_id", sa.Integer(), nullable=False),
        sa.Column("user_name", sa.String(length=255), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["notification_id"],
            ["notifications.id"],
            name=op.f("fk_notification_reads_notification_id_notifications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_reads")),
        sa.UniqueConstraint(
            "notification_id", "user_name", name=op.f("uq_notification_reads_notification_id")
        ),
    )
    with op.batch_alter_table("notification_reads", schema=None) as batch_op:
        batch_op.create_index(
            "ix_notification_reads_user_name", ["user_name", "notification_id"], unique=False
        )

    op.create_table(
        "case_copies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.String(length=36), nullable=False),
        sa.Column("user_name", sa.String(length=255), nullable=False),
        sa.Column("copied_by", sa.String(length=255), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["process_instances.id"],
            name=op.f("fk_case_copies_instance_id_process_instances"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_copies")),
        sa.UniqueConstraint("instance_id", "user_name", name=op.f("uq_case_copies_instance_id")),
    )
    with op.batch_alter_table("case_copies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_copies_instance_id"), ["instance_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_copies_user_name"), ["user_name"], unique=False)


def downgrade():
    with op.batch_alter_table("case_copies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_copies_user_name"))
        batch_op.drop_index(batch_op.f("ix_case_copies_instance_id"))

    op.drop_table("case_copies")
    with op.batch_alter_table("notification_reads", schema=None) as batch_op:
        batch_op.drop_index("ix_notification_reads_user_name")

    op.drop_table("notification_reads")
    op.drop_table("training_clock")

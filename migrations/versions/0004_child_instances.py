"""child instances

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 05:34:45.002411

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("process_instances", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parent_instance_id", sa.String(length=36), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_process_instances_parent_instance_id"), ["parent_instance_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("process_instances", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_process_instances_parent_instance_id"))
        batch_op.drop_column("parent_instance_id")

"""message correlations

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 09:00:00.000000

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("message_subscriptions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("correlations", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("message_subscriptions", schema=None) as batch_op:
        batch_op.drop_column("correlations")

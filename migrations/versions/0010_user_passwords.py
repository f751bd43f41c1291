"""user passwords: staff log in to the web UI; failed attempts lock the account for a while

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 09:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("password_hash", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("failed_logins", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("session_version", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(
            sa.Column("notifications_seen_id", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade():
    # Plain DROP COLUMN (SQLite 3.35+ has it): a batch copy of ``users`` would drop the table
    # that api_tokens and other rows refer to, which SQLite's foreign keys refuse.
    for column in (
        "notifications_seen_id",
        "session_version",
        "locked_until",
        "failed_logins",
        "password_hash",
    ):
        op.drop_column("users", column)

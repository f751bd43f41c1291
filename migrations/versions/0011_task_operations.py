"""task operations: added signers' ad hoc tasks (加签), delegation (委派), substitutes (代理),
held tasks and each step's allowed operations

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-15 09:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_TASK_COLUMNS = (
    ("parent_task_id", sa.String(length=36)),
    ("sign_position", sa.String(length=16)),
    ("owner", sa.String(length=255)),
    ("delegation", sa.String(length=16)),
    ("on_behalf_of", sa.String(length=255)),
    ("held", sa.String(length=16)),
    ("allowed_operations", sa.String(length=255)),
)


def upgrade():
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=16), server_default="user", nullable=False))
        for name, type_ in _TASK_COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))
        batch_op.create_index(batch_op.f("ix_tasks_parent_task_id"), ["parent_task_id"], unique=False)
    op.create_table(
        "substitutes",
        sa.Column("user_name", sa.String(length=255), nullable=False),
        sa.Column("substitute_name", sa.String(length=255), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_name", name=op.f("pk_substitutes")),
    )
    op.create_index("ix_substitutes_substitute_name", "substitutes", ["substitute_name"], unique=False)


def downgrade():
    op.drop_index("ix_substitutes_substitute_name", table_name="substitutes")
    op.drop_table("substitutes")
    op.drop_index(op.f("ix_tasks_parent_task_id"), table_name="tasks")
    for name, _type in reversed(_TASK_COLUMNS):
        op.drop_column("tasks", name)
    op.drop_column("tasks", "kind")

"""access: applicants bound to an institution, the case's applicant, application restrictions

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 09:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("institution_code", sa.String(length=18), nullable=True))

    with op.batch_alter_table("process_instances", schema=None) as batch_op:
        batch_op.add_column(sa.Column("applicant_code", sa.String(length=64), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_process_instances_applicant_code"), ["applicant_code"], unique=False
        )

    _project_applicant_codes()
    op.create_table(
        "application_restrictions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("credit_code", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("process_key", sa.String(length=255), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("source_instance_id", sa.String(length=36), nullable=True),
        sa.Column("source_business_key", sa.String(length=255), nullable=True),
        sa.Column("created_by", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lifted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lifted_by", sa.String(length=255), nullable=True),
        sa.Column("lift_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_restrictions")),
    )
    with op.batch_alter_table("application_restrictions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_application_restrictions_credit_code_process_key",
            ["credit_code", "process_key"],
            unique=False,
        )


def _project_applicant_codes():
    """Existing cases get the code the default ``applicantCode`` gives: applicant's credit_code."""
    if op.get_bind().dialect.name == "postgresql":
        code = "variables -> 'applicant' ->> 'credit_code'"
    else:
        code = "json_extract(variables, '$.applicant.credit_code')"
    op.execute(f"UPDATE process_instances SET applicant_code = {code} WHERE length({code}) BETWEEN 1 AND 64")


def downgrade():
    with op.batch_alter_table("application_restrictions", schema=None) as batch_op:
        batch_op.drop_index("ix_application_restrictions_credit_code_process_key")

    op.drop_table("application_restrictions")
    with op.batch_alter_table("process_instances", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_process_instances_applicant_code"))
        batch_op.drop_column("applicant_code")

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("institution_code")

"""registries and draws

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 05:17:42.618610

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "draw_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("business_key", sa.String(length=255), nullable=False),
        sa.Column("seed", sa.String(length=20), nullable=False),
        sa.Column("drawn_by", sa.String(length=255), nullable=False),
        sa.Column("drawn_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("parameters", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("candidates", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("exclusions", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("result", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("algorithm_version", sa.String(length=32), nullable=False),
        sa.Column("previous_draw_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["previous_draw_id"],
            ["draw_records.id"],
            name=op.f("fk_draw_records_previous_draw_id_draw_records"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draw_records")),
    )
    with op.batch_alter_table("draw_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_draw_records_business_key"), ["business_key"], unique=False)

    op.create_table(
        "registry_check_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=True),
        sa.Column("target_type", sa.String(length=32), nullable=False),
        sa.Column("proportion", sa.Double(), nullable=False),
        sa.Column("frequency", sa.String(length=64), nullable=True),
        sa.Column("method", sa.String(length=255), nullable=True),
        sa.Column(
            "inspector_requirements", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_check_items")),
        sa.UniqueConstraint("code", name=op.f("uq_registry_check_items_code")),
    )
    op.create_table(
        "registry_institutions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("district", sa.String(length=64), nullable=True),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("credit_class", sa.String(length=1), nullable=False),
        sa.Column("certificate_status", sa.String(length=16), nullable=False),
        sa.Column("certificate_no", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_institutions")),
        sa.UniqueConstraint("credit_code", name=op.f("uq_registry_institutions_credit_code")),
    )
    with op.batch_alter_table("registry_institutions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_registry_institutions_district"), ["district"], unique=False)
        batch_op.create_index(batch_op.f("ix_registry_institutions_type"), ["type"], unique=False)

    op.create_table(
        "registry_people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("username", sa.String(length=255), nullable=True),
        sa.Column("can_lead", sa.Boolean(), nullable=False),
        sa.Column("fields", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("district", sa.String(length=64), nullable=True),
        sa.Column("department", sa.String(length=64), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("workload_limit", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_people")),
        sa.UniqueConstraint("username", name=op.f("uq_registry_people_username")),
    )
    with op.batch_alter_table("registry_people", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_registry_people_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_registry_people_name"), ["name"], unique=False)

    op.create_table(
        "registry_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("draw_id", sa.Integer(), nullable=False),
        sa.Column("business_key", sa.String(length=255), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=True),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["draw_id"], ["draw_records.id"], name=op.f("fk_registry_assignments_draw_id_draw_records")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["registry_people.id"],
            name=op.f("fk_registry_assignments_person_id_registry_people"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_assignments")),
    )
    with op.batch_alter_table("registry_assignments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_registry_assignments_business_key"), ["business_key"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_registry_assignments_draw_id"), ["draw_id"], unique=False)
        batch_op.create_index(
            "ix_registry_assignments_person_id_status", ["person_id", "status"], unique=False
        )

    op.create_table(
        "registry_conflicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["registry_people.id"],
            name=op.f("fk_registry_conflicts_person_id_registry_people"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_conflicts")),
    )
    with op.batch_alter_table("registry_conflicts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_registry_conflicts_credit_code_person_id", ["credit_code", "person_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_registry_conflicts_person_id"), ["person_id"], unique=False)


def downgrade():
    with op.batch_alter_table("registry_conflicts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registry_conflicts_person_id"))
        batch_op.drop_index("ix_registry_conflicts_credit_code_person_id")

    op.drop_table("registry_conflicts")
    with op.batch_alter_table("registry_assignments", schema=None) as batch_op:
        batch_op.drop_index("ix_registry_assignments_person_id_status")
        batch_op.drop_index(batch_op.f("ix_registry_assignments_draw_id"))
        batch_op.drop_index(batch_op.f("ix_registry_assignments_business_key"))

    op.drop_table("registry_assignments")
    with op.batch_alter_table("registry_people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registry_people_name"))
        batch_op.drop_index(batch_op.f("ix_registry_people_kind"))

    op.drop_table("registry_people")
    with op.batch_alter_table("registry_institutions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registry_institutions_type"))
        batch_op.drop_index(batch_op.f("ix_registry_institutions_district"))

    op.drop_table("registry_institutions")
    op.drop_table("registry_check_items")
    with op.batch_alter_table("draw_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_draw_records_business_key"))

    op.drop_table("draw_records")

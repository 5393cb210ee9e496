"""attachments, inbound items (two-way services), drafts (once-only)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inbound_items",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("service", sa.String(length=64), nullable=False),
        sa.Column("source_system", sa.String(length=64), nullable=False),
        sa.Column("external_id", sa.String(length=100), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("jobcenter_id", sa.String(length=64), nullable=False),
        sa.Column(
            "payload", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("remind_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
        ),
        sa.ForeignKeyConstraint(
            ["jobcenter_id"],
            ["jobcenters.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_system", "external_id", name="uq_inbound_external"),
    )
    with op.batch_alter_table("inbound_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inbound_items_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inbound_items_due_at"), ["due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_inbound_items_remind_at"), ["remind_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_inbound_items_service"), ["service"], unique=False)

    op.create_table(
        "drafts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("service", sa.String(length=64), nullable=False),
        sa.Column(
            "form_data", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "sections", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("source_submission_id", sa.String(length=36), nullable=True),
        sa.Column("submission_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
        ),
        sa.ForeignKeyConstraint(
            ["source_submission_id"],
            ["submissions.id"],
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_drafts_customer_id"), ["customer_id"], unique=False)

    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parent_submission_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("inbound_item_id", sa.String(length=36), nullable=True))
        batch_op.create_index(batch_op.f("ix_submissions_inbound_item_id"), ["inbound_item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_submissions_parent_submission_id"), ["parent_submission_id"], unique=False)
        batch_op.create_foreign_key("fk_submissions_parent", "submissions", ["parent_submission_id"], ["id"])
        batch_op.create_foreign_key("fk_submissions_inbound_item", "inbound_items", ["inbound_item_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_constraint("fk_submissions_inbound_item", type_="foreignkey")
        batch_op.drop_constraint("fk_submissions_parent", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_submissions_parent_submission_id"))
        batch_op.drop_index(batch_op.f("ix_submissions_inbound_item_id"))
        batch_op.drop_column("inbound_item_id")
        batch_op.drop_column("parent_submission_id")

    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_drafts_customer_id"))

    op.drop_table("drafts")
    with op.batch_alter_table("inbound_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inbound_items_service"))
        batch_op.drop_index(batch_op.f("ix_inbound_items_remind_at"))
        batch_op.drop_index(batch_op.f("ix_inbound_items_due_at"))
        batch_op.drop_index(batch_op.f("ix_inbound_items_customer_id"))

    op.drop_table("inbound_items")

"""load test runs and rollout changes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "load_test_runs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("service", sa.String(length=64), nullable=False),
        sa.Column("service_version", sa.String(length=32), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("target", sa.String(length=300), nullable=False),
        sa.Column(
            "metrics", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("slo", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False),
        sa.Column("report_json", sa.String(length=500), nullable=True),
        sa.Column("report_html", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("load_test_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_load_test_runs_service"), ["service"], unique=False)

    op.create_table(
        "rollout_changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("service", sa.String(length=64), nullable=False),
        sa.Column("jobcenter_id", sa.String(length=64), nullable=False),
        sa.Column("from_state", sa.String(length=16), nullable=False),
        sa.Column("to_state", sa.String(length=16), nullable=False),
        sa.Column("changed_by", sa.String(length=200), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("load_test_run_id", sa.String(length=36), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["jobcenter_id"],
            ["jobcenters.id"],
        ),
        sa.ForeignKeyConstraint(
            ["load_test_run_id"],
            ["load_test_runs.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("rollout_changes", schema=None) as batch_op:
        batch_op.create_index("ix_rollout_service_jobcenter", ["service", "jobcenter_id", "changed_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("rollout_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_rollout_service_jobcenter")

    op.drop_table("rollout_changes")
    with op.batch_alter_table("load_test_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_load_test_runs_service"))

    op.drop_table("load_test_runs")

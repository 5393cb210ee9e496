"""security: audit log, jobcenter data keys, signed receipts

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


# Audit log: append-only in PostgreSQL itself (services/audit/guard.py does the same in the ORM). UPDATE is always
# refused; DELETE only in a transaction that ran SET LOCAL ozgflow.audit_prune = 'on' (retention removes the
# oldest entries, services/audit/retention.py). SQLite has no transaction-local settings: there the ORM guard
# and the hash chain are the protection.
_AUDIT_GUARD_FUNCTION = """
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND coalesce(current_setting('ozgflow.audit_prune', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$
"""


def _create_audit_append_only_trigger() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(_AUDIT_GUARD_FUNCTION)
    op.execute(
        "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
    )


def _drop_audit_append_only_trigger() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
    op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_kind", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.String(length=200), nullable=False),
        sa.Column("actor_jobcenter_id", sa.String(length=64), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("resource_type", sa.String(length=32), nullable=False),
        sa.Column("resource_id", sa.String(length=100), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=True),
        sa.Column("jobcenter_id", sa.String(length=64), nullable=True),
        sa.Column("purpose", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("entry_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("entry_hash"),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_log_customer", ["customer_id", "at"], unique=False)
        batch_op.create_index("ix_audit_log_jobcenter", ["jobcenter_id", "at"], unique=False)
        batch_op.create_index("ix_audit_log_resource", ["resource_type", "resource_id"], unique=False)
    _create_audit_append_only_trigger()

    op.create_table(
        "jobcenter_keys",
        sa.Column("jobcenter_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("wrapped_key", sa.Text(), nullable=False),
        sa.Column("master_key_id", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        # no foreign key: jobcenter_id also takes the platform scope "_platform" (services/crypto/envelope.py)
        sa.PrimaryKeyConstraint("jobcenter_id", "version"),
    )

    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("filed_digest", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("receipt_signature", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("receipt_key_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("receipt_statement", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_column("receipt_statement")
        batch_op.drop_column("receipt_key_id")
        batch_op.drop_column("receipt_signature")
        batch_op.drop_column("filed_digest")
    op.drop_table("jobcenter_keys")
    _drop_audit_append_only_trigger()
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_resource")
        batch_op.drop_index("ix_audit_log_jobcenter")
        batch_op.drop_index("ix_audit_log_customer")
    op.drop_table("audit_log")

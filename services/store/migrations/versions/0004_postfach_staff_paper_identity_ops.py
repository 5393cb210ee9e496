"""operator dashboard, postfach, staff, paper channel, jobcenter identity

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mailbox_topics",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("jobcenter_id", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("team_id", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["jobcenter_id"], ["jobcenters.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("jobcenter_id", "key", name="uq_mailbox_topic_key"),
    )
    with op.batch_alter_table("mailbox_topics", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mailbox_topics_jobcenter_id"), ["jobcenter_id"], unique=False)

    op.create_table(
        "staff_members",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("jobcenter_id", sa.String(length=64), nullable=False),
        sa.Column("team_id", sa.String(length=100), nullable=True),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column(
            "roles", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["jobcenter_id"], ["jobcenters.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("staff_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_members_jobcenter_id"), ["jobcenter_id"], unique=False)

    op.create_table(
        "mailbox_threads",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("jobcenter_id", sa.String(length=64), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.String(length=100), nullable=True),
        sa.Column("submission_id", sa.String(length=36), nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_message_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
        ),
        sa.ForeignKeyConstraint(
            ["jobcenter_id"],
            ["jobcenters.id"],
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["mailbox_topics.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("mailbox_threads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mailbox_threads_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index("ix_mailbox_threads_inbox", ["jobcenter_id", "team_id", "last_message_at"], unique=False)

    op.create_table(
        "submission_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("submission_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "detail", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("submission_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_submission_events_submission_id"), ["submission_id"], unique=False)

    op.create_table(
        "documents",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("jobcenter_id", sa.String(length=64), nullable=True),
        sa.Column("submission_id", sa.String(length=36), nullable=True),
        sa.Column("message_id", sa.String(length=36), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
        ),
        sa.ForeignKeyConstraint(
            ["jobcenter_id"],
            ["jobcenters.id"],
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["mailbox_messages.id"],
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_documents_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_documents_message_id"), ["message_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_documents_submission_id"), ["submission_id"], unique=False)

    op.create_table(
        "email_notifications",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("message_id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("available_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
        ),
        sa.ForeignKeyConstraint(["message_id"], ["mailbox_messages.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("message_id"),
    )
    with op.batch_alter_table("email_notifications", schema=None) as batch_op:
        batch_op.create_index("ix_email_notifications_due", ["state", "available_at"], unique=False)

    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("online_account", sa.Boolean(), nullable=False, server_default=sa.true()))

    with op.batch_alter_table("jobcenters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("website", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column(
                "opening_hours",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=False,
                server_default="[]",
            )
        )
        batch_op.add_column(sa.Column("colour_primary", sa.String(length=7), nullable=False, server_default="#1d4f91"))
        batch_op.add_column(sa.Column("colour_accent", sa.String(length=7), nullable=False, server_default="#e2001a"))
        batch_op.add_column(sa.Column("mailbox_state", sa.String(length=8), nullable=False, server_default="live"))
        batch_op.add_column(sa.Column("mailbox_response_days", sa.Integer(), nullable=False, server_default="5"))
        batch_op.add_column(sa.Column("mailbox_auto_reply", sa.Text(), nullable=True))

    with op.batch_alter_table("mailbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("thread_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("sender", sa.String(length=16), nullable=False, server_default="jobcenter"))
        batch_op.add_column(sa.Column("author_id", sa.String(length=100), nullable=True))
        batch_op.create_index(batch_op.f("ix_mailbox_messages_thread_id"), ["thread_id"], unique=False)
        batch_op.create_foreign_key("fk_mailbox_messages_thread", "mailbox_threads", ["thread_id"], ["id"])

    with op.batch_alter_table("stage_results", schema=None) as batch_op:
        batch_op.add_column(sa.Column("flow_run_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("task_run_id", sa.String(length=36), nullable=True))

    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("work_state", sa.String(length=16), nullable=False, server_default="open"))
        batch_op.add_column(sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("processed_by", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("traceparent", sa.String(length=55), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_column("traceparent")
        batch_op.drop_column("processed_by")
        batch_op.drop_column("processed_at")
        batch_op.drop_column("work_state")

    with op.batch_alter_table("stage_results", schema=None) as batch_op:
        batch_op.drop_column("task_run_id")
        batch_op.drop_column("flow_run_id")

    with op.batch_alter_table("mailbox_messages", schema=None) as batch_op:
        batch_op.drop_constraint("fk_mailbox_messages_thread", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_mailbox_messages_thread_id"))
        batch_op.drop_column("author_id")
        batch_op.drop_column("sender")
        batch_op.drop_column("thread_id")

    with op.batch_alter_table("jobcenters", schema=None) as batch_op:
        batch_op.drop_column("mailbox_auto_reply")
        batch_op.drop_column("mailbox_response_days")
        batch_op.drop_column("mailbox_state")
        batch_op.drop_column("colour_accent")
        batch_op.drop_column("colour_primary")
        batch_op.drop_column("opening_hours")
        batch_op.drop_column("website")

    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_column("online_account")

    with op.batch_alter_table("email_notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_email_notifications_due")

    op.drop_table("email_notifications")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documents_submission_id"))
        batch_op.drop_index(batch_op.f("ix_documents_message_id"))
        batch_op.drop_index(batch_op.f("ix_documents_customer_id"))

    op.drop_table("documents")
    with op.batch_alter_table("submission_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_submission_events_submission_id"))

    op.drop_table("submission_events")
    with op.batch_alter_table("mailbox_threads", schema=None) as batch_op:
        batch_op.drop_index("ix_mailbox_threads_inbox")
        batch_op.drop_index(batch_op.f("ix_mailbox_threads_customer_id"))

    op.drop_table("mailbox_threads")
    with op.batch_alter_table("staff_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_members_jobcenter_id"))

    op.drop_table("staff_members")
    with op.batch_alter_table("mailbox_topics", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mailbox_topics_jobcenter_id"))

    op.drop_table("mailbox_topics")

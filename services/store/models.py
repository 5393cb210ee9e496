"""The relational model: our database is the source of truth for every submission's state.

Status, attempts and each stage's outcome live here (the stage ledger), never only in Prefect.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

JsonDocument = JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps on every backend (SQLite has no time zones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use datetime.now(UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class Jobcenter(Base):
    __tablename__ = "jobcenters"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    office_number: Mapped[str] = mapped_column(String(5), unique=True)
    street: Mapped[str] = mapped_column(String(200))
    postal_code: Mapped[str] = mapped_column(String(5))
    city: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(50))
    # Identity (principle 7): shown on every page, PDF and message the jobcenter sends.
    website: Mapped[str | None] = mapped_column(String(200))
    opening_hours: Mapped[list[Any]] = mapped_column(JsonDocument, default=list)
    """Lines like ``{"days": "Mo–Fr", "hours": "08:00–12:30"}``."""
    colour_primary: Mapped[str] = mapped_column(String(7), default="#1d4f91")
    colour_accent: Mapped[str] = mapped_column(String(7), default="#e2001a")
    # The jobcenter's own Postfach configuration.
    mailbox_state: Mapped[str] = mapped_column(String(8), default="live")
    """``off`` (no Postfach: receipts only by letter), ``pilot`` or ``live``."""
    mailbox_response_days: Mapped[int] = mapped_column(Integer, default=5)
    """Working days within which the jobcenter promises to answer a customer's message."""
    mailbox_auto_reply: Mapped[str | None] = mapped_column(Text)
    """Sent once per new thread started by a customer; None sends none."""


class JobcenterArea(Base):
    """A postal-code area a jobcenter serves (Zuständigkeit by place of residence)."""

    __tablename__ = "jobcenter_areas"

    postal_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    jobcenter_id: Mapped[str] = mapped_column(ForeignKey("jobcenters.id", ondelete="CASCADE"), index=True)


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    jobcenter_id: Mapped[str] = mapped_column(ForeignKey("jobcenters.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))


class RoutingRule(Base):
    """A jobcenter's own rule assigning submissions to a team; lowest priority number wins.

    ``service`` None matches every service; the BG digit range matches the last digit of the BG
    number (many jobcenters split their benefit teams that way).
    """

    __tablename__ = "routing_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    jobcenter_id: Mapped[str] = mapped_column(ForeignKey("jobcenters.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    priority: Mapped[int] = mapped_column(Integer, default=100)
    service: Mapped[str | None] = mapped_column(String(64))
    bg_digit_min: Mapped[int | None] = mapped_column(Integer)
    bg_digit_max: Mapped[int | None] = mapped_column(Integer)


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    bg_number: Mapped[str] = mapped_column(String(14), index=True)
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    street: Mapped[str] = mapped_column(String(200))
    postal_code: Mapped[str] = mapped_column(String(5))
    city: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(200))
    online_account: Mapped[bool] = mapped_column(Boolean, default=True)
    """False for someone known only from paper: nothing is shown online until they sign in."""


class StaffMember(Base):
    """Jobcenter staff as the platform knows them; the token's subject is the id.

    Tenancy comes from this row, never from token claims alone: staff see their jobcenter's data only.
    ``roles``: ``staff`` (team inbox), ``intake`` (paper channel), ``admin`` (jobcenter configuration).
    """

    __tablename__ = "staff_members"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    jobcenter_id: Mapped[str] = mapped_column(ForeignKey("jobcenters.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[str | None] = mapped_column(ForeignKey("teams.id"))
    display_name: Mapped[str] = mapped_column(String(200))
    roles: Mapped[list[Any]] = mapped_column(JsonDocument, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Submission(Base):
    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("customer_id", "idempotency_key", name="uq_submission_idempotency"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    receipt_number: Mapped[str] = mapped_column(String(32), unique=True)
    service: Mapped[str] = mapped_column(String(64), index=True)
    service_version: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(16), default="online")
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    status: Mapped[str] = mapped_column(String(32), index=True)
    form_data: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    request_hash: Mapped[str] = mapped_column(String(64))
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    jobcenter_id: Mapped[str | None] = mapped_column(ForeignKey("jobcenters.id"), index=True)
    team_id: Mapped[str | None] = mapped_column(ForeignKey("teams.id"))
    case_reference: Mapped[str | None] = mapped_column(String(100))
    failure_reason: Mapped[str | None] = mapped_column(Text)
    # An attachment (e.g. an Anlage to a WBA) points at the submission it belongs to.
    parent_submission_id: Mapped[str | None] = mapped_column(
        ForeignKey("submissions.id", name="fk_submissions_parent"), index=True
    )
    # A two-way service's answer points at the inbound item it answers (e.g. a placement offer).
    inbound_item_id: Mapped[str | None] = mapped_column(
        ForeignKey("inbound_items.id", name="fk_submissions_inbound_item"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The jobcenter's own work on it (staff workspace), independent of the pipeline's status.
    work_state: Mapped[str] = mapped_column(String(16), default="open")
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    processed_by: Mapped[str | None] = mapped_column(String(100))
    traceparent: Mapped[str | None] = mapped_column(String(55))
    """W3C trace context of the accepting request, so the worker continues the submission's trace."""
    filed_digest: Mapped[str | None] = mapped_column(String(80))
    """``sha256:<hex>`` over what was filed (canonical form JSON and attachments), named in the signed receipt."""
    receipt_signature: Mapped[str | None] = mapped_column(Text)
    """The platform's signature over the receipt statement, verifiable with the published key."""
    receipt_key_id: Mapped[str | None] = mapped_column(String(64))
    receipt_statement: Mapped[str | None] = mapped_column(Text)
    """The signed receipt statement exactly as signed (canonical JSON): it names the issuer URL, so it is kept
    rather than rebuilt from settings that may change (services/receipts)."""


class OutboxEntry(Base):
    """Work waiting for a pipeline worker, written in the same transaction as its submission.

    A worker leases entries; an expired lease makes the entry claimable again. ``attempts``
    bounds how often a submission is tried before it is dead-lettered.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_claimable", "state", "available_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), unique=True)
    state: Mapped[str] = mapped_column(String(16), default="ready")
    available_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_owner: Mapped[str | None] = mapped_column(String(100))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StageResult(Base):
    """The stage ledger: one row per submission and stage."""

    __tablename__ = "stage_results"
    __table_args__ = (UniqueConstraint("submission_id", "stage", name="uq_stage_result"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reference: Mapped[str | None] = mapped_column(String(500))
    error: Mapped[str | None] = mapped_column(Text)
    flow_run_id: Mapped[str | None] = mapped_column(String(36))
    task_run_id: Mapped[str | None] = mapped_column(String(36))
    """Prefect runs of the last attempt, linked from the operators' timeline."""


class SubmissionEvent(Base):
    """What people did with a submission (reassigned, processed, replied, retried, keyed in from paper).

    ``detail`` holds ids and codes only: operators read this history too.
    """

    __tablename__ = "submission_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    detail: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)


class MailboxTopic(Base):
    """A topic a jobcenter offers in its Postfach, routed to one of its teams."""

    __tablename__ = "mailbox_topics"
    __table_args__ = (UniqueConstraint("jobcenter_id", "key", name="uq_mailbox_topic_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    jobcenter_id: Mapped[str] = mapped_column(ForeignKey("jobcenters.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"))
    position: Mapped[int] = mapped_column(Integer, default=100)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class MailboxThread(Base):
    """A conversation between one customer and their jobcenter on one topic or submission."""

    __tablename__ = "mailbox_threads"
    __table_args__ = (Index("ix_mailbox_threads_inbox", "jobcenter_id", "team_id", "last_message_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    jobcenter_id: Mapped[str] = mapped_column(ForeignKey("jobcenters.id"))
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("mailbox_topics.id"))
    team_id: Mapped[str | None] = mapped_column(ForeignKey("teams.id"))
    submission_id: Mapped[str | None] = mapped_column(ForeignKey("submissions.id"))
    subject: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16), default="open")
    """``open`` while the jobcenter has something to do, ``processed`` when staff marked it done."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_message_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MailboxMessage(Base):
    """A message in a customer's Postfach; ``dedup_key`` makes every sender's write idempotent."""

    __tablename__ = "mailbox_messages"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    jobcenter_id: Mapped[str] = mapped_column(ForeignKey("jobcenters.id"))
    submission_id: Mapped[str | None] = mapped_column(ForeignKey("submissions.id"))
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """When the recipient read it: the customer for the jobcenter's messages, staff for the customer's."""
    thread_id: Mapped[str | None] = mapped_column(
        ForeignKey("mailbox_threads.id", name="fk_mailbox_messages_thread"), index=True
    )
    sender: Mapped[str] = mapped_column(String(16), default="jobcenter")
    """``jobcenter`` (staff or the platform on its behalf) or ``customer``."""
    author_id: Mapped[str | None] = mapped_column(String(100))
    """The staff member who wrote a reply; None for the platform's own messages and the customer's."""


class Document(Base):
    """A file in the e-file: a scanned paper form, a Postfach attachment, a supporting document.

    The bytes live in the e-file store under ``storage_key``; type and size were checked by content.
    """

    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    jobcenter_id: Mapped[str | None] = mapped_column(ForeignKey("jobcenters.id"))
    submission_id: Mapped[str | None] = mapped_column(ForeignKey("submissions.id"), index=True)
    message_id: Mapped[str | None] = mapped_column(ForeignKey("mailbox_messages.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EmailNotification(Base):
    """ "A new message is waiting" for one message, sent by the workers over SMTP (never with content).

    Written with the message in one transaction, so an SMTP outage delays notices but loses none.
    """

    __tablename__ = "email_notifications"
    __table_args__ = (Index("ix_email_notifications_due", "state", "available_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    message_id: Mapped[str] = mapped_column(ForeignKey("mailbox_messages.id", ondelete="CASCADE"), unique=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    state: Mapped[str] = mapped_column(String(16), default="ready")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    available_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class InboundItem(Base):
    """Something a back-office system sent to a customer that they must answer (a placement offer).

    ``(source_system, external_id)`` is unique, so a system that pushes the same item twice gets the
    same row back.
    """

    __tablename__ = "inbound_items"
    __table_args__ = (UniqueConstraint("source_system", "external_id", name="uq_inbound_external"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    service: Mapped[str] = mapped_column(String(64), index=True)
    source_system: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str] = mapped_column(String(100))
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    jobcenter_id: Mapped[str] = mapped_column(ForeignKey("jobcenters.id"))
    payload: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    status: Mapped[str] = mapped_column(String(16), default="open")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    remind_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Draft(Base):
    """A form being prepared by the customer, e.g. a WBA prefilled from their last one (once-only).

    ``sections`` maps each top-level form section to ``prefilled``, ``confirmed`` or ``changed``;
    a draft can be filed only when no section is left merely prefilled.
    """

    __tablename__ = "drafts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    service: Mapped[str] = mapped_column(String(64))
    form_data: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    sections: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    source_submission_id: Mapped[str | None] = mapped_column(ForeignKey("submissions.id"))
    submission_id: Mapped[str | None] = mapped_column(ForeignKey("submissions.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class LoadTestRun(Base):
    """One load test of one service version, with its verdict against the service's SLOs: the evidence a
    rollout promotion must point to."""

    __tablename__ = "load_test_runs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    service: Mapped[str] = mapped_column(String(64), index=True)
    service_version: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verdict: Mapped[str] = mapped_column(String(16))  # "pass" | "fail"
    target: Mapped[str] = mapped_column(String(300))  # the base URL that was tested
    metrics: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    slo: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    report_json: Mapped[str | None] = mapped_column(String(500))
    report_html: Mapped[str | None] = mapped_column(String(500))


class RolloutChange(Base):
    """Who moved which service to which rollout state for which jobcenter, when, on which evidence.

    The latest change per (service, jobcenter) is the effective state; roadmap.yaml gives the start.
    """

    __tablename__ = "rollout_changes"
    __table_args__ = (Index("ix_rollout_service_jobcenter", "service", "jobcenter_id", "changed_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    service: Mapped[str] = mapped_column(String(64))
    jobcenter_id: Mapped[str] = mapped_column(ForeignKey("jobcenters.id"))
    from_state: Mapped[str] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    changed_by: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    load_test_run_id: Mapped[str | None] = mapped_column(ForeignKey("load_test_runs.id"))
    reason: Mapped[str | None] = mapped_column(Text)


class AuditEntry(Base):
    """Who read or changed which personal data, when, from where and why.

    Append-only and hash-chained: ``entry_hash`` covers the entry's fields and ``prev_hash`` (the previous
    entry's hash), so altering or removing an entry breaks every later link. Only ids are stored: the log
    outlives erased customer data, so it has no foreign keys and carries no names or content.
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_customer", "customer_id", "at"),
        Index("ix_audit_log_jobcenter", "jobcenter_id", "at"),
        Index("ix_audit_log_resource", "resource_type", "resource_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_kind: Mapped[str] = mapped_column(String(16))
    """``customer``, ``staff``, ``operator`` or ``system``."""
    actor_id: Mapped[str] = mapped_column(String(200))
    actor_jobcenter_id: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    """``read``, ``create``, ``update``, ``delete``, ``export`` ..."""
    resource_type: Mapped[str] = mapped_column(String(32))
    resource_id: Mapped[str] = mapped_column(String(100))
    customer_id: Mapped[str | None] = mapped_column(String(64))
    jobcenter_id: Mapped[str | None] = mapped_column(String(64))
    purpose: Mapped[str] = mapped_column(String(200))
    source: Mapped[str | None] = mapped_column(String(100))
    """Where the access came from: the client address, or the component for the platform's own reads."""
    reason: Mapped[str | None] = mapped_column(String(200))
    """A reason staff gave in their own words where the law expects one (``X-Access-Reason``); else None."""
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64), unique=True)


class JobcenterKey(Base):
    """A jobcenter's data key (envelope encryption), stored only wrapped by a master key from settings.

    Several versions may exist: the newest ``active`` one encrypts new data, older ones still decrypt
    (rotation without downtime); re-wrapping under a new master key rewrites ``wrapped_key`` only.
    """

    __tablename__ = "jobcenter_keys"

    jobcenter_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    """The scope: a jobcenter's id, or ``_platform`` for data that belongs to no jobcenter yet (drafts, submissions
    before routing) — hence no foreign key (services/crypto/envelope.py)."""
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    wrapped_key: Mapped[str] = mapped_column(Text)
    master_key_id: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default="active")
    """``active`` (encrypts new data) or ``retired`` (decrypts only)."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

"""The connector contract (DESIGN.md section 5).

A connector declares only what is specific to its service; the pipeline is generic and calls
these hooks. Everything a hook receives is plain data, so connectors stay testable without a
database, Prefect or HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict

from connectors.sdk.trust import TrustLevel

if TYPE_CHECKING:
    from connectors.sdk.inbound import InboundSpec

SDK_VERSION = "1.2"
"""The contract's version. A connector declares the major version it was written for in
``sdk_version``; the registry refuses connectors written for another major version."""


class Maturity(IntEnum):
    """OZG maturity level (Reifegrad)."""

    OFFLINE = 0
    INFORMATION = 1
    FORM_ASSISTANT = 2
    ONLINE_SERVICE = 3
    ONLINE_TRANSACTION = 4


class ServiceForm(BaseModel):
    """Base class of every service form: unknown fields are refused, text is trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


@dataclass(frozen=True)
class FieldProblem:
    """One thing the customer must fix, addressed by a dotted field path (``income.entries.0.net``)."""

    field: str
    code: str
    message: str


@dataclass(frozen=True)
class CustomerSummary:
    """What a connector may know about the filing customer (for documents and hand-over)."""

    customer_id: str
    bg_number: str
    given_name: str
    family_name: str
    street: str
    postal_code: str
    city: str

    @property
    def display_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


DEFAULT_COLOUR_PRIMARY = "#1d4f91"
"""A jobcenter's colours when it has none (or an inaccessible one): white text on it has 8.1:1 contrast."""
DEFAULT_COLOUR_ACCENT = "#e2001a"


@dataclass(frozen=True)
class JobcenterSummary:
    """The responsible jobcenter as it presents itself: name, address, contact and colours on every document.

    The identity fields after ``phone`` have defaults so connector tests written against SDK 1.0 still build it;
    the platform always fills them, with colours already checked for contrast (white text on the primary).
    """

    jobcenter_id: str
    name: str
    street: str
    postal_code: str
    city: str
    email: str
    phone: str
    website: str | None = None
    opening_hours: tuple[tuple[str, str], ...] = ()
    """(days, hours) lines, e.g. ``("Mo, Di, Fr", "08:00–12:30")``."""
    colour_primary: str = DEFAULT_COLOUR_PRIMARY
    colour_accent: str = DEFAULT_COLOUR_ACCENT


@dataclass(frozen=True)
class InboundContext:
    """The item a two-way service's answer refers to (e.g. the placement offer being answered)."""

    item_id: str
    external_id: str
    payload: dict[str, Any]
    received_at: datetime
    due_at: datetime | None


@dataclass(frozen=True)
class SubmissionContext:
    """Facts about one submission that the platform hands to a connector's hooks."""

    submission_id: str
    receipt_number: str
    service_key: str
    service_version: str
    channel: str
    submitted_at: datetime
    customer: CustomerSummary
    jobcenter: JobcenterSummary
    team_name: str
    case_reference: str | None = None
    parent_receipt_number: str | None = None  # set when this submission is attached to another (Anlage → WBA)
    inbound: InboundContext | None = None  # set when this submission answers an inbound item


@dataclass(frozen=True)
class DocumentSection:
    """A titled block of (label, value) rows in the e-file PDF."""

    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class ReceiptText:
    """The mailbox answer: subject and plain-text body."""

    subject: str
    body: str


class Connector:
    """Base class of a connector. Subclass it, set the identity attributes, implement the hooks.

    The module that the entry point names exposes one instance, conventionally ``connector``.
    """

    key: ClassVar[str]
    title: ClassVar[str]
    leika_key: ClassVar[str]
    version: ClassVar[str]
    maturity: ClassVar[Maturity]
    roadmap_stage: ClassVar[int]
    description: ClassVar[str] = ""
    form: ClassVar[type[ServiceForm]]
    handover_system: ClassVar[str] = "allegro"
    sdk_version: ClassVar[str] = "1"
    standalone: ClassVar[bool] = True
    """Whether the service can be filed on its own (an Anlage answering a jobcenter's request, say)."""
    attachable_to: ClassVar[frozenset[str]] = frozenset()
    """Services a submission of this one may be attached to (``attach_to`` when filing), e.g. {"wba", "ha"}."""

    def check(self, form: ServiceForm) -> list[FieldProblem]:
        """Plausibility checks beyond types; return every problem found (German messages)."""
        return []

    def required_trust_level(self, form: ServiceForm) -> TrustLevel:
        """The sign-in trust level a customer needs to file this form (since SDK 1.2).

        ``LOW`` by default. Return ``TrustLevel.SUBSTANTIAL`` where the form changes what a payment goes by —
        bank details, the address — so that only someone who signed in with the eID (Online-Ausweis) can
        redirect a benefit. Depends on the form's content: a VÄM reporting new income needs less than one
        reporting a new IBAN. Paper filed by an intake clerk is not checked (the signature is on paper)."""
        return TrustLevel.LOW

    def examples(self) -> list[dict[str, Any]]:
        """Valid sample forms as JSON-ready dicts (used by tests, docs, the demo, load tests)."""
        raise NotImplementedError

    def document(self, form: ServiceForm, ctx: SubmissionContext) -> list[DocumentSection]:
        """The human-readable content of the e-file PDF, section by section."""
        raise NotImplementedError

    def handover_payload(self, form: ServiceForm, ctx: SubmissionContext) -> dict[str, Any]:
        """The case payload for the back-office system named by ``handover_system``."""
        raise NotImplementedError

    def receipt(self, form: ServiceForm, ctx: SubmissionContext) -> ReceiptText:
        """The receipt message placed in the customer's Postfach."""
        raise NotImplementedError

    inbound: ClassVar[InboundSpec | None] = None
    """For two-way services: what a back-office system pushes to the customer (see ``connectors.sdk.inbound``)."""

    inbound_reference_field: ClassVar[str] = "reference"
    """For two-way services: the form field that names the inbound item being answered."""

    def inbound_reference(self, form: ServiceForm) -> str | None:
        """For two-way services: the external id of the inbound item this form answers."""
        return None

    def prefill(self, previous: ServiceForm) -> dict[str, Any]:
        """Once-only: a new draft's content from the customer's last filed form of this service.

        Override to drop what must be answered anew (declarations, say)."""
        return previous.model_dump(mode="json")

    def draft_sections(self) -> list[str]:
        """The parts of the form a customer confirms or changes one by one in a prefilled draft."""
        return list(self.form.model_fields)

    def json_schema(self) -> dict[str, Any]:
        return self.form.model_json_schema()

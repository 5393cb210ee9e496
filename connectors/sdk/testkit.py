"""The contract test kit: every connector package runs it in its own tests.

Usage in a connector package::

    from connectors.sdk.testkit import ConnectorContract
    from my_service import connector

    class TestMyService(ConnectorContract):
        connector = connector
        # optional: forms that must be rejected, with a field the rejection must name
        bad_inputs = [({"amount": "-1"}, "amount")]

The kit checks what the platform relies on: identity and registration, valid examples, German field
messages for typical bad input, a PDF that renders, a JSON-ready and deterministic hand-over payload,
a receipt that names the jobcenter and the receipt number, and stable keys across reruns.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, ClassVar

from pydantic import ValidationError

from connectors.sdk.contract import (
    Connector,
    CustomerSummary,
    FieldProblem,
    InboundContext,
    JobcenterSummary,
    Maturity,
    ServiceForm,
    SubmissionContext,
)
from connectors.sdk.messages import problems_from_validation_error
from connectors.sdk.registry import ConnectorRegistry
from connectors.sdk.trust import TrustLevel

ENGLISH = ("Field required", "Input should", "Extra inputs", "Value error", "valid ")
_KEY = re.compile(r"^[a-z][a-z0-9_]{1,62}$")
_LEIKA = re.compile(r"^urn:de:fim:leika:leistung:\d{14}$")
_VERSION = re.compile(r"^\d+\.\d+\.\d+$")


def sample_context(connector: Connector, **overrides: Any) -> SubmissionContext:
    """A complete submission context with demo data, for connector tests without a platform."""
    ctx = SubmissionContext(
        submission_id="6f1c1d7e-4a3b-4c2d-9e8f-0a1b2c3d4e5f",
        receipt_number=f"{connector.key.upper()}-20261126-7KQ2M9XH",
        service_key=connector.key,
        service_version=connector.version,
        channel="online",
        submitted_at=datetime(2026, 11, 26, 9, 30, tzinfo=UTC),
        customer=CustomerSummary(
            customer_id="kd-1001",
            bg_number="96101BG0012342",
            given_name="Anna",
            family_name="Schmidt",
            street="Invalidenstraße 12",
            postal_code="10115",
            city="Berlin",
        ),
        jobcenter=JobcenterSummary(
            jobcenter_id="jc-berlin-mitte",
            name="Jobcenter Berlin Mitte",
            street="Seydelstraße 2–5",
            postal_code="10117",
            city="Berlin",
            email="jobcenter@demo.ozgflow.invalid",
            phone="030 5555 1000",
        ),
        team_name="Leistungsteam 1",
    )
    return replace(ctx, **overrides)


def problems_of(connector: Connector, data: Any) -> list[FieldProblem]:
    """The field problems a form gets: the validation's, else the plausibility checks' (never an exception).
    Public so property tests of hostile input compare against the same verdict the contract checks use."""
    try:
        form = connector.form.model_validate(data)
    except ValidationError as exc:
        return problems_from_validation_error(exc, data)
    return connector.check(form)


class ConnectorContract:
    """Subclass with ``connector = ...``; pytest collects the checks below for it."""

    connector: ClassVar[Connector]
    bad_inputs: ClassVar[list[tuple[dict[str, Any], str]]] = []
    """Extra rejections: (fields merged into the first example, a field path the rejection must name)."""
    inbound_payload: ClassVar[dict[str, Any] | None] = None
    """For two-way services: the inbound item an example answers (put into ``ctx.inbound``)."""

    # -- helpers -------------------------------------------------------------------------------
    def context(self, **overrides: Any) -> SubmissionContext:
        if self.inbound_payload is not None and "inbound" not in overrides:
            overrides["inbound"] = InboundContext(
                item_id="item-1",
                external_id=str(self.inbound_payload.get("offer_id", "ext-1")),
                payload=self.inbound_payload,
                received_at=datetime(2026, 11, 20, tzinfo=UTC),
                due_at=None,
            )
        return sample_context(self.connector, **overrides)

    def forms(self) -> list[ServiceForm]:
        return [self.connector.form.model_validate(example) for example in self.connector.examples()]

    # -- identity ------------------------------------------------------------------------------
    def test_identity_is_complete(self) -> None:
        c = self.connector
        assert _KEY.fullmatch(c.key), f"service key {c.key!r}: lower case, digits, underscores"
        assert c.title.strip(), "a German title is required"
        assert _LEIKA.fullmatch(c.leika_key), f"Leistungsschlüssel {c.leika_key!r}"
        assert _VERSION.fullmatch(c.version), f"version {c.version!r} is not MAJOR.MINOR.PATCH"
        assert isinstance(c.maturity, Maturity)
        assert isinstance(c.roadmap_stage, int) and c.roadmap_stage >= 1
        assert c.standalone or c.attachable_to, "a service that cannot stand alone must be attachable"

    def test_is_registered_through_the_entry_point(self) -> None:
        registry = ConnectorRegistry.from_entry_points()
        assert not [e for e in registry.errors if e.name == self.connector.key], registry.errors
        assert self.connector.key in registry, 'add the connector to [project.entry-points."ozgflow.connectors"]'
        assert type(registry.get(self.connector.key)) is type(self.connector)

    def test_schema_is_served_to_front_ends(self) -> None:
        schema = self.connector.json_schema()
        assert schema["type"] == "object" and schema["properties"]
        json.dumps(schema)

    # -- forms ---------------------------------------------------------------------------------
    def test_examples_validate_and_pass_the_checks(self) -> None:
        examples = self.connector.examples()
        assert examples, "at least one example form is required"
        for example in examples:
            json.dumps(example)  # examples are JSON-ready: used by docs, demo and load tests
            assert problems_of(self.connector, copy.deepcopy(example)) == []

    def test_empty_form_names_required_fields_in_german(self) -> None:
        problems = problems_of(self.connector, {})
        assert problems, "an empty form must be rejected"
        for problem in problems:
            assert problem.field and problem.message
            assert not any(word in problem.message for word in ENGLISH), problem

    def test_unknown_fields_are_refused(self) -> None:
        data = {**copy.deepcopy(self.connector.examples()[0]), "nicht_im_formular": "x"}
        assert "nicht_im_formular" in {p.field for p in problems_of(self.connector, data)}

    def test_wrong_types_are_refused_per_field(self) -> None:
        example = self.connector.examples()[0]
        for name, value in example.items():
            if isinstance(value, dict | list):
                wrong: Any = "kein Objekt"
            elif isinstance(value, bool):
                wrong = {"nested": True}
            else:
                wrong = ["kein", "Einzelwert"]
            problems = problems_of(self.connector, {**copy.deepcopy(example), name: wrong})
            assert any(p.field == name or p.field.startswith(f"{name}.") for p in problems), (name, problems)

    def test_declared_bad_inputs_are_refused(self) -> None:
        for changes, field in self.bad_inputs:
            data = {**copy.deepcopy(self.connector.examples()[0]), **copy.deepcopy(changes)}
            problems = problems_of(self.connector, data)
            assert any(p.field == field or p.field.startswith(f"{field}.") for p in problems), (field, problems)
            assert not any(word in p.message for p in problems for word in ENGLISH), problems

    # -- outputs -------------------------------------------------------------------------------
    def test_document_renders_to_a_readable_pdf(self) -> None:
        from services.efile.document import render_submission_pdf  # the platform's renderer

        ctx = self.context()
        for form in self.forms():
            sections = self.connector.document(form, ctx)
            assert sections and all(s.title for s in sections)
            assert all(isinstance(v, str) for s in sections for row in s.rows for v in row)
            pdf = render_submission_pdf(self.connector.title, sections, ctx)
            assert pdf.startswith(b"%PDF")
            assert pdf == render_submission_pdf(self.connector.title, sections, ctx), "the PDF must be deterministic"
            try:
                from pypdf import PdfReader
            except ImportError:  # pragma: no cover - pypdf is a dev dependency
                continue
            import io

            text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
            assert ctx.receipt_number in text and ctx.jobcenter.name in text

    def test_handover_payload_is_json_and_the_same_on_every_rerun(self) -> None:
        ctx = self.context()
        for form in self.forms():
            first = json.dumps(self.connector.handover_payload(form, ctx), sort_keys=True)
            reparsed = self.connector.form.model_validate(json.loads(form.model_dump_json()))
            again = json.dumps(self.connector.handover_payload(reparsed, ctx), sort_keys=True)
            assert first == again, "the hand-over must be deterministic: retries reuse the Idempotency-Key"
            assert ctx.receipt_number in first
            later = replace(ctx, case_reference="ALG-2026-0000001")
            assert json.dumps(self.connector.handover_payload(form, later), sort_keys=True) == first, (
                "the payload must not depend on the hand-over's own result"
            )

    def test_receipt_names_the_jobcenter_and_the_receipt_number(self) -> None:
        ctx = self.context()
        for form in self.forms():
            receipt = self.connector.receipt(form, ctx)
            assert receipt.subject.strip() and receipt.body.strip()
            assert ctx.receipt_number in receipt.subject + receipt.body
            assert ctx.jobcenter.name in receipt.body

    def test_required_trust_level_is_a_trust_level(self) -> None:
        """The platform compares it with the sign-in's level: anything but a ``TrustLevel`` would be a 500."""
        for form in self.forms():
            assert isinstance(self.connector.required_trust_level(form), TrustLevel)

    def test_prefill_gives_a_form_the_customer_can_confirm(self) -> None:
        for form in self.forms():
            draft = self.connector.prefill(form)
            json.dumps(draft)
            assert set(draft) <= set(self.connector.form.model_fields)
        assert set(self.connector.draft_sections()) <= set(self.connector.form.model_fields)


__all__ = ["ConnectorContract", "sample_context"]

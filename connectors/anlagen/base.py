"""The shape every Anlage connector shares: document, hand-over and receipt built from the form itself.

The sixteen Anlagen differ in their fields and rules, not in how they are filed. So a concrete Anlage
declares its form, its rules, a few key figures (``overview``) and the evidence to upload; this base
turns them into the e-file document (rows from the German field titles, so a new field shows up without
touching a renderer), the ALLEGRO hand-over and the receipt letter, which names the application the
Anlage was attached to.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, ClassVar, Generic, NamedTuple, TypeVar, cast

from pydantic import BaseModel

from connectors.anlagen.common import FORM_VERSION, Declaration, declaration_problems
from connectors.sdk import (
    Connector,
    DocumentSection,
    FieldProblem,
    Maturity,
    ReceiptText,
    ServiceForm,
    SubmissionContext,
)
from connectors.sdk.documents import applicant_section, expect_form, handover_header, receipt_letter
from connectors.sdk.fields import Choice, format_date, format_iban, format_money, format_yes_no

F = TypeVar("F", bound=ServiceForm)
Rows = list[tuple[str, str]]
# Convention of all Anlagen: a Decimal is an amount of money (areas and counts are ints).


class Figure(NamedTuple):
    """A key value of an Anlage: shown in the document's overview and handed over under ``key``."""

    key: str
    label: str
    value: Decimal | date | bool | str | int | None


def render(name: str, value: object) -> str:
    """German spelling of one value (``1.234,50 €``, ``26.11.2026``, ``ja``)."""
    if isinstance(value, bool):
        return format_yes_no(value)
    if isinstance(value, Decimal):
        return format_money(value)
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, Choice):
        return value.label
    if isinstance(value, list):
        return ", ".join(render(name, item) for item in value)
    if hasattr(value, "summary"):
        return str(value.summary())
    if name == "iban" and isinstance(value, str):
        return format_iban(value)
    return str(value)


def _is_nested(value: object) -> bool:
    return isinstance(value, BaseModel) and not hasattr(value, "summary")


def _field_rows(label: str, name: str, value: object) -> Rows:
    if value is None or value == [] or isinstance(value, Declaration):
        return []
    if _is_nested(value):
        return model_rows(cast(BaseModel, value), f"{label}: ")
    if isinstance(value, list) and all(_is_nested(item) for item in value):
        return [row for i, item in enumerate(value, 1) for row in model_rows(item, f"{label} {i}: ")]
    return [(label, render(name, value))]


def model_rows(model: BaseModel, prefix: str = "") -> Rows:
    """(label, value) rows from the field titles; empty answers are left out, nested parts are prefixed."""
    fields = type(model).model_fields.items()
    return [
        row for name, info in fields for row in _field_rows(f"{prefix}{info.title or name}", name, getattr(model, name))
    ]


def form_sections(form: ServiceForm, title: str) -> list[DocumentSection]:
    """Top-level answers in one section, each top-level part (or list entry) in a section of its own."""
    plain: Rows = []
    parts: list[DocumentSection] = []
    for name, info in type(form).model_fields.items():
        value, label = getattr(form, name), str(info.title or name)
        if isinstance(value, Declaration):
            continue
        if _is_nested(value):
            parts.append(DocumentSection(label, model_rows(value)))
        elif isinstance(value, list) and value and all(_is_nested(item) for item in value):
            parts += [DocumentSection(f"{label} ({i})", model_rows(item)) for i, item in enumerate(value, 1)]
        else:
            plain += _field_rows(label, name, value)
    return [DocumentSection(title, plain), *parts] if plain else parts


def _json(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


class AnlageConnector(Connector, Generic[F]):
    """Base of every Anlage; a subclass sets identity, ``form``, ``short`` and implements the four hooks below."""

    short: ClassVar[str]
    """The Anlage's letters as printed on the paper form: 'KDU', 'UH1'."""
    version: ClassVar[str] = FORM_VERSION
    maturity: ClassVar[Maturity] = Maturity.ONLINE_SERVICE
    roadmap_stage: ClassVar[int] = 1
    handover_system: ClassVar[str] = "allegro"
    standalone: ClassVar[bool] = True
    attachable_to: ClassVar[frozenset[str]] = frozenset({"wba", "ha"})

    # -- what a concrete Anlage declares ---------------------------------------------------------
    def rules(self, form: F, today: date) -> list[FieldProblem]:
        """The Anlage's plausibility rules (the declaration is checked by the base)."""
        return []

    def overview(self, form: F) -> list[Figure]:
        """Key values a clerk needs first (totals, ages, computed profit)."""
        return []

    def evidence(self, form: F) -> list[str]:
        """Nachweise the customer should upload for this answer."""
        return []

    def named_examples(self, today: date) -> dict[str, dict[str, Any]]:
        raise NotImplementedError

    # -- the contract, derived ---------------------------------------------------------------------
    def _form(self, form: ServiceForm) -> F:
        return cast(F, expect_form(form, self.form))

    def check(self, form: ServiceForm, today: date | None = None) -> list[FieldProblem]:
        typed = self._form(form)
        problems = self.rules(typed, today or date.today())
        return problems + declaration_problems(typed.declarations)  # type: ignore[attr-defined]

    def examples(self, today: date | None = None) -> list[dict[str, Any]]:
        return list(self.named_examples(today or date.today()).values())

    def document(self, form: ServiceForm, ctx: SubmissionContext) -> list[DocumentSection]:
        typed = self._form(form)
        sections = [applicant_section(ctx), *form_sections(typed, self.title)]
        figures = [(f.label, render(f.key, f.value)) for f in self.overview(typed) if f.value is not None]
        if figures:
            sections.append(DocumentSection("Übersicht", figures))
        declaration = typed.declarations  # type: ignore[attr-defined]
        sections.append(DocumentSection("Erklärung", model_rows(declaration)))
        return sections

    def handover_payload(self, form: ServiceForm, ctx: SubmissionContext) -> dict[str, Any]:
        """Derived from the submission only (no clock, no randomness), so a retried hand-over is identical.

        The header already names the application an attached Anlage belongs to."""
        typed = self._form(form)
        return {
            **handover_header(ctx, f"ANLAGE_{self.short}"),
            "anlage": self.short,
            "kennzahlen": {f.key: _json(f.value) for f in self.overview(typed)},
            "daten": typed.model_dump(mode="json"),
        }

    def receipt(self, form: ServiceForm, ctx: SubmissionContext) -> ReceiptText:
        typed = self._form(form)
        summary = f"Sie haben die {self.title} eingereicht."
        if ctx.parent_receipt_number:
            summary = (
                f"Sie haben die {self.title} zu Ihrem Antrag mit der Eingangsnummer {ctx.parent_receipt_number} "
                "eingereicht. Wir bearbeiten sie zusammen mit diesem Antrag."
            )
        figures = [f"- {f.label}: {render(f.key, f.value)}" for f in self.overview(typed) if f.value is not None]
        if figures:
            summary += "\n\nIhre wichtigsten Angaben:\n" + "\n".join(figures)
        evidence = self.evidence(typed)
        if evidence:
            summary += "\n\nBitte laden Sie diese Nachweise in Ihrem Postfach hoch, falls noch nicht geschehen:\n"
            summary += "\n".join(f"- {item}" for item in evidence)
        steps = [
            "Das Jobcenter prüft Ihre Angaben.",
            "Fehlen Nachweise oder Angaben, melden wir uns in Ihrem Postfach.",
        ]
        body = receipt_letter(ctx, filed=f"Ihre Anlage {self.short}", summary=summary, next_steps=steps)
        return ReceiptText(subject=f"Eingangsbestätigung: Anlage {self.short} ({ctx.receipt_number})", body=body)

    def prefill(self, previous: ServiceForm) -> dict[str, Any]:
        """The declaration must be given anew for every filing; everything else may be confirmed."""
        data = previous.model_dump(mode="json")
        data.pop("declarations", None)
        return data

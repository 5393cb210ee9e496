"""A connector whose form hooks are plain module functions: name them once instead of wrapping each one.

Most services keep their checks, examples and document sections in modules of their own (testable without a
connector object); this base class wires them to the contract, so a connector module holds only its identity
and what is really specific (hand-over, receipt).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar

from connectors.sdk.contract import Connector, DocumentSection, FieldProblem, ServiceForm, SubmissionContext
from connectors.sdk.documents import expect_form


class DeclaredConnector(Connector):
    rules: ClassVar[Callable[..., list[FieldProblem]]]
    """``rules(form, today)``: the plausibility checks."""
    sample_forms: ClassVar[Callable[..., list[dict[str, Any]]]]
    """``sample_forms(today)``: valid example forms."""
    sections: ClassVar[Callable[..., list[DocumentSection]]]
    """``sections(form, ctx)``: the e-file document."""

    def check(self, form: ServiceForm, today: date | None = None) -> list[FieldProblem]:
        return type(self).rules(expect_form(form, self.form), today)

    def examples(self, today: date | None = None) -> list[dict[str, Any]]:
        return type(self).sample_forms(today)

    def document(self, form: ServiceForm, ctx: SubmissionContext) -> list[DocumentSection]:
        return type(self).sections(expect_form(form, self.form), ctx)

"""The contract kit itself must fail for connectors that break the contract."""

from __future__ import annotations

import copy
import itertools
from typing import Any, ClassVar

import pytest

from connectors.sdk import ReceiptText, ServiceForm, SubmissionContext
from connectors.sdk.testkit import ConnectorContract
from connectors.wba.connector import WbaConnector

_counter = itertools.count()


class _NonDeterministicHandover(WbaConnector):
    def handover_payload(self, form: ServiceForm, ctx: SubmissionContext) -> dict[str, Any]:
        return {**super().handover_payload(form, ctx), "attempt": next(_counter)}


class _ReceiptWithoutJobcenter(WbaConnector):
    def receipt(self, form: ServiceForm, ctx: SubmissionContext) -> ReceiptText:
        return ReceiptText(subject=f"Eingang {ctx.receipt_number}", body="Danke.")


class _InvalidExample(WbaConnector):
    def examples(self, today: Any = None) -> list[dict[str, Any]]:
        broken = copy.deepcopy(super().examples()[0])
        broken["declarations"]["truthful_information"] = False
        return [broken]


class _BadLeika(WbaConnector):
    leika_key: ClassVar[str] = "99050012104000"


@pytest.mark.parametrize(
    "connector, check",
    [
        (_NonDeterministicHandover(), "test_handover_payload_is_json_and_the_same_on_every_rerun"),
        (_ReceiptWithoutJobcenter(), "test_receipt_names_the_jobcenter_and_the_receipt_number"),
        (_InvalidExample(), "test_examples_validate_and_pass_the_checks"),
        (_BadLeika(), "test_identity_is_complete"),
        (_BadLeika(), "test_is_registered_through_the_entry_point"),
    ],
)
def test_kit_rejects_broken_connectors(connector: WbaConnector, check: str) -> None:
    suite = type("Suite", (ConnectorContract,), {"connector": connector})()
    with pytest.raises(AssertionError):
        getattr(suite, check)()


def test_kit_reports_declared_bad_inputs_that_are_accepted() -> None:
    suite = type("Suite", (ConnectorContract,), {"connector": WbaConnector(), "bad_inputs": [({}, "household")]})()
    with pytest.raises(AssertionError):
        suite.test_declared_bad_inputs_are_refused()

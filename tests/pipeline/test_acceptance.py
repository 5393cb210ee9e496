"""Accept durably: one transaction stores the submission and its outbox entry, or nothing at all."""

from __future__ import annotations

import copy
import re
import threading
from typing import Any

import pytest
from sqlalchemy import func, select

from connectors.sdk import Connector, FieldProblem
from connectors.sdk.registry import ConnectorRegistry
from services.intake.acceptance import Acceptance, SubmissionRejected, accept_submission
from services.store import outbox
from services.store.db import Database
from services.store.models import OutboxEntry, Submission

CUSTOMER = "kd-1001"
RECEIPT = re.compile(r"^WBA-(\d{8})-([0-9A-HJKMNP-TV-Z]{8})$")  # Crockford base32: no I, L, O, U


@pytest.fixture
def wba(registry: ConnectorRegistry) -> Connector:
    return registry.get("wba")


def _accept(
    db: Database, connector: Connector, payload: Any, key: str | None = None, customer: str = CUSTOMER
) -> Acceptance:
    with db.session() as session:
        return accept_submission(
            session, connector=connector, customer_id=customer, payload=payload, idempotency_key=key
        )


def _counts(db: Database) -> tuple[int, int]:
    with db.session() as session:
        submissions = session.scalar(select(func.count()).select_from(Submission))
        entries = session.scalar(select(func.count()).select_from(OutboxEntry))
    return int(submissions or 0), int(entries or 0)


def test_accept_stores_submission_and_one_outbox_entry(db: Database, wba: Connector) -> None:
    payload = wba.examples()[1]

    acceptance = _accept(db, wba, payload, key="key-1")

    assert acceptance.replayed is False
    assert _counts(db) == (1, 1)
    with db.session() as session:
        stored = session.get(Submission, acceptance.submission.id)
        assert stored is not None
        entry = outbox.entry_for(session, stored.id)
        assert entry is not None
        assert (stored.status, stored.service, stored.service_version, stored.channel, stored.customer_id) == (
            "accepted",
            "wba",
            wba.version,
            "online",
            CUSTOMER,
        )
        assert stored.idempotency_key == "key-1"
        assert stored.form_data == wba.form.model_validate(payload).model_dump(mode="json")
        assert (stored.jobcenter_id, stored.team_id, stored.case_reference) == (None, None, None)
        assert (entry.state, entry.attempts) == (outbox.READY, 0)


def test_same_key_and_same_form_replays_the_submission(db: Database, wba: Connector) -> None:
    payload = wba.examples()[0]
    first = _accept(db, wba, payload, key="key-1")

    again = _accept(db, wba, copy.deepcopy(payload), key="key-1")

    assert again.replayed is True
    assert again.submission.id == first.submission.id
    assert again.submission.receipt_number == first.submission.receipt_number
    assert _counts(db) == (1, 1)


def test_same_key_with_another_form_is_rejected(db: Database, wba: Connector) -> None:
    examples = wba.examples()
    _accept(db, wba, examples[0], key="key-1")

    with pytest.raises(SubmissionRejected) as info:
        _accept(db, wba, examples[1], key="key-1")

    assert info.value.code == "idempotency_key_reused"
    assert _counts(db) == (1, 1)


def test_idempotency_keys_are_per_customer(db: Database, wba: Connector) -> None:
    payload = wba.examples()[0]
    mine = _accept(db, wba, payload, key="shared-key")
    theirs = _accept(db, wba, payload, key="shared-key", customer="kd-1002")

    assert theirs.replayed is False
    assert theirs.submission.id != mine.submission.id
    assert _counts(db) == (2, 2)


def test_without_key_every_accept_is_a_new_submission(db: Database, wba: Connector) -> None:
    payload = wba.examples()[0]
    first = _accept(db, wba, payload)
    second = _accept(db, wba, payload)

    assert first.submission.id != second.submission.id
    assert _counts(db) == (2, 2)


def test_invalid_form_is_rejected_and_nothing_is_stored(db: Database, wba: Connector) -> None:
    payload = wba.examples()[0]
    payload["declarations"] = {**payload["declarations"], "truthful_information": "vielleicht"}
    del payload["assets"]
    payload["unexpected"] = 1

    with pytest.raises(SubmissionRejected) as info:
        _accept(db, wba, payload, key="key-1")

    rejected = info.value
    assert rejected.code == "validation_failed"
    assert all(isinstance(p, FieldProblem) for p in rejected.problems)
    fields = {p.field: p.code for p in rejected.problems}
    assert fields == {
        "declarations.truthful_information": "bool_parsing",
        "assets": "missing",
        "unexpected": "extra_forbidden",
    }
    assert all(p.message for p in rejected.problems)
    assert _counts(db) == (0, 0)


def test_implausible_form_is_rejected_and_nothing_is_stored(db: Database, wba: Connector) -> None:
    payload = wba.examples()[0]
    payload["housing"] = {"changed": False, "basic_rent": "600.00"}  # "nothing changed" plus a new rent

    with pytest.raises(SubmissionRejected) as info:
        _accept(db, wba, payload)

    assert info.value.code == "plausibility_failed"
    assert [p.field for p in info.value.problems] == ["housing.basic_rent"]
    assert _counts(db) == (0, 0)


def test_payload_must_be_an_object(db: Database, wba: Connector) -> None:
    with pytest.raises(SubmissionRejected) as info:
        _accept(db, wba, [wba.examples()[0]])

    assert info.value.code == "invalid_form"
    assert _counts(db) == (0, 0)


def test_receipt_numbers_are_unique_and_well_formed(db: Database, wba: Connector) -> None:
    payload = wba.examples()[0]
    acceptances = [_accept(db, wba, payload) for _ in range(25)]

    numbers = [a.submission.receipt_number for a in acceptances]
    assert len(set(numbers)) == len(numbers)
    for acceptance in acceptances:
        match = RECEIPT.fullmatch(acceptance.submission.receipt_number)
        assert match is not None, acceptance.submission.receipt_number
        assert match.group(1) == f"{acceptance.submission.created_at:%Y%m%d}"


def test_concurrent_accepts_with_one_key_store_one_submission(db: Database, wba: Connector) -> None:
    payload = wba.examples()[0]
    results: list[Acceptance] = []
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def accept() -> None:
        try:
            start.wait(timeout=10)
            results.append(_accept(db, wba, copy.deepcopy(payload), key="double-click"))
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=accept) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len({r.submission.id for r in results}) == 1
    assert sorted(r.replayed for r in results) == [False, True, True, True]
    assert _counts(db) == (1, 1)

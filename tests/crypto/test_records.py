"""Personal data in the database is stored encrypted, while the API and the ORM see plain values.

Runs on SQLite and PostgreSQL. "Stored" is checked by reading the tables with raw SQL (and, on SQLite, every
byte of the database file and its log), never through the ORM that decrypts.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from connectors.sdk.registry import ConnectorRegistry
from services.crypto.envelope import PLATFORM_SCOPE, EnvelopeError, from_text, read_header
from services.crypto.master import KeyUnavailable
from services.crypto.orm import PlaintextRefused
from services.crypto.reencrypt import count_records, reencrypt_records
from services.intake.acceptance import accept_submission
from services.intake.drafts import create_draft
from services.pipeline.assembly import build_runner
from services.settings import Settings
from services.store.db import Database
from services.store.models import Draft, InboundItem, MailboxMessage, Submission
from tests.crypto.conftest import WBA_SECRET, keyed_db, raw_rows, raw_texts, sqlite_files
from tests.placement.conftest import VERBIS_KEY, make_offer
from tests.staff.support import staff_headers

Headers = Callable[[str], dict[str, str]]


def _file(client: TestClient, headers: dict[str, str], registry: ConnectorRegistry) -> dict:
    form = copy.deepcopy(registry.get("wba").examples()[1])
    response = client.post("/api/v1/submissions/wba", json=form, headers=headers)
    assert response.status_code == 202, response.text
    return response.json()


def _accept(session: Session, registry: ConnectorRegistry, customer: str = "kd-1001") -> Submission:
    connector = registry.get("wba")
    payload = copy.deepcopy(connector.examples()[1])
    return accept_submission(
        session, connector=connector, customer_id=customer, payload=payload, idempotency_key=None
    ).submission


def _scope_and_version(db: Database, table: str, column: str, row_id: str) -> tuple[str, int]:
    with db.engine.connect() as conn:
        value = conn.execute(text(f"SELECT CAST({column} AS TEXT) FROM {table} WHERE id = :id"), {"id": row_id})
        stored = str(value.scalar_one()).strip('"')
    header, _ = read_header(from_text(stored))
    return header.scope, header.version


@pytest.mark.usefixtures("simulator")
def test_a_filed_submission_is_stored_sealed_and_read_plain(
    sealed_client: TestClient,
    sealed_db: Database,
    settings: Settings,
    registry: ConnectorRegistry,
    token_for: Headers,
) -> None:
    filed = _file(sealed_client, token_for("kd-1001"), registry)
    stored = raw_texts(sealed_db, "submissions", "form_data")
    assert len(stored) == 1 and "ozgflow-sealed:" in stored[0] and WBA_SECRET not in stored[0]
    assert _scope_and_version(sealed_db, "submissions", "form_data", filed["id"]) == (PLATFORM_SCOPE, 1)

    build_runner(settings, db=sealed_db, registry=registry).run_all(filed["id"])

    # routing re-sealed the form data with the responsible jobcenter's key
    assert _scope_and_version(sealed_db, "submissions", "form_data", filed["id"]) == ("jc-berlin-mitte", 1)
    for table in ("submissions", "mailbox_messages"):
        assert WBA_SECRET not in raw_rows(sealed_db, table)
    assert all(body.startswith("ozgflow-sealed:") for body in raw_texts(sealed_db, "mailbox_messages", "body"))
    if sealed_db.backend == "sqlite":
        assert WBA_SECRET.encode() not in sqlite_files(sealed_db)

    # the API and the ORM see plain data
    view = sealed_client.get(
        f"/api/v1/staff/submissions/{filed['id']}", headers=staff_headers(sealed_client, "sb-berlin-1")
    )
    assert view.status_code == 200, view.text
    assert view.json()["form_data"]["income"]["entries"][0]["description"] == "Teilzeit, Bäckerei Krause GmbH"
    receipt = sealed_client.get("/api/v1/mailbox", headers=token_for("kd-1001")).json()["messages"][0]
    assert filed["receipt_number"] in receipt["body"]
    with sealed_db.session() as session:
        assert session.get(Submission, filed["id"]).form_data["housing"]["basic_rent"] == "520.00"  # type: ignore[union-attr]


def test_drafts_postfach_messages_and_inbound_items_are_sealed(
    sealed_client: TestClient, sealed_db: Database, registry: ConnectorRegistry, token_for: Headers
) -> None:
    anna = token_for("kd-1001")
    _file(sealed_client, anna, registry)
    started = sealed_client.post("/api/v1/drafts/wba", headers=anna)
    assert started.status_code == 201, started.text
    thread = sealed_client.post(
        "/api/v1/mailbox/threads",
        data={"topic": "geldleistungen", "subject": "Frage", "body": "Meine Nachbarin Frau Quellwasser ..."},
        headers=anna,
    )
    assert thread.status_code == 201, thread.text
    offer = make_offer(employer={"name": "Spedition Zwielicht GmbH", "postal_code": "10557", "city": "Berlin"})
    assert sealed_client.post("/api/v1/inbound/placement", json=offer, headers={"X-API-Key": VERBIS_KEY}).is_success

    assert WBA_SECRET not in raw_rows(sealed_db, "drafts")
    assert "Quellwasser" not in raw_rows(sealed_db, "mailbox_messages")
    assert "Zwielicht" not in raw_rows(sealed_db, "inbound_items")
    assert _scope_and_version(sealed_db, "drafts", "form_data", started.json()["id"])[0] == PLATFORM_SCOPE
    assert sealed_client.get(f"/api/v1/drafts/{started.json()['id']}", headers=anna).json()["form"]["housing"]
    messages = sealed_client.get(f"/api/v1/mailbox/threads/{thread.json()['id']}", headers=anna).json()
    assert "Quellwasser" in messages["message_list"][0]["body"]
    with sealed_db.session() as session:
        item = session.scalars(select(InboundItem)).one()
        assert item.payload["employer"]["name"] == "Spedition Zwielicht GmbH"


def test_a_ciphertext_copied_to_another_row_does_not_open(sealed_db: Database, registry: ConnectorRegistry) -> None:
    with sealed_db.session() as session:
        ids = [_accept(session, registry, customer).id for customer in ("kd-1001", "kd-1002")]
    with sealed_db.engine.begin() as conn:  # someone with database access swaps the form data
        conn.execute(
            text("UPDATE submissions SET form_data = (SELECT form_data FROM submissions WHERE id = :a) WHERE id = :b"),
            {"a": ids[0], "b": ids[1]},
        )
    other = keyed_db(sealed_db.url, sealed_db.keyring.masters)  # type: ignore[union-attr]
    with pytest.raises(EnvelopeError), other.session() as session:
        session.get(Submission, ids[1])
    with other.session() as session:
        assert session.get(Submission, ids[0]).form_data  # type: ignore[union-attr]
    other.dispose()


def test_an_envelope_of_another_jobcenter_is_refused_even_with_a_valid_key(sealed_db: Database) -> None:
    """Defence in depth besides the row binding: a row's envelope must name the row's jobcenter."""
    keyring = sealed_db.keyring
    assert keyring is not None
    with sealed_db.session() as session:
        message = MailboxMessage(
            id=str(uuid.uuid4()), customer_id="kd-1001", jobcenter_id="jc-berlin-mitte", dedup_key="x",
            kind="note", subject="s", body="Hallo",
        )  # fmt: skip
        session.add(message)
    forged = keyring.seal("jc-leipzig", b"Hallo", f"db:mailbox_messages.body:{message.id}")
    from services.crypto.envelope import to_text

    with sealed_db.engine.begin() as conn:
        conn.execute(text("UPDATE mailbox_messages SET body = :b"), {"b": to_text(forged)})
    with pytest.raises(EnvelopeError, match="another jobcenter"), sealed_db.session() as session:
        session.get(MailboxMessage, message.id)


def test_rows_written_before_encryption_read_and_reencrypt_seals_them(
    database_url: str, sealed_db: Database, registry: ConnectorRegistry
) -> None:
    plain_db = Database(database_url)  # as before encryption: no keyring
    with plain_db.session() as session:
        old = _accept(session, registry).id
        draft = create_draft(session, connector=registry.get("wba"), customer_id="kd-1001").id
    plain_db.dispose()
    assert WBA_SECRET in raw_rows(sealed_db, "submissions")

    with sealed_db.session() as session:  # legacy plaintext still reads
        assert session.get(Submission, old).form_data["housing"]["basic_rent"] == "520.00"  # type: ignore[union-attr]
    counts = {c.name: c for c in count_records(sealed_db)}
    assert (counts["submissions.form_data"].plaintext, counts["drafts.form_data"].plaintext) == (1, 1)

    assert reencrypt_records(sealed_db) == 2
    assert WBA_SECRET not in raw_rows(sealed_db, "submissions") + raw_rows(sealed_db, "drafts")
    assert reencrypt_records(sealed_db) == 0  # idempotent
    strict = keyed_db(database_url, sealed_db.keyring.masters, require_envelopes=True)  # type: ignore[union-attr]
    with strict.session() as session:
        assert session.get(Draft, draft).form_data  # type: ignore[union-attr]
        assert session.get(Submission, old).form_data["housing"]["basic_rent"] == "520.00"  # type: ignore[union-attr]
    strict.dispose()


def test_strict_mode_refuses_plaintext_rows(
    database_url: str, sealed_db: Database, registry: ConnectorRegistry
) -> None:
    plain_db = Database(database_url)
    with plain_db.session() as session:
        sid = _accept(session, registry).id
    plain_db.dispose()
    strict = keyed_db(database_url, sealed_db.keyring.masters, require_envelopes=True)  # type: ignore[union-attr]
    with pytest.raises(PlaintextRefused), strict.session() as session:
        session.get(Submission, sid)
    strict.dispose()


def test_a_database_without_keyring_reads_other_columns_but_never_hands_out_envelopes(
    database_url: str, sealed_db: Database, registry: ConnectorRegistry
) -> None:
    with sealed_db.session() as session:
        sid = _accept(session, registry).id
    plain_db = Database(database_url)
    with plain_db.session() as session:
        sub = session.get(Submission, sid)
        assert sub is not None and sub.status == "accepted"  # what does not need the key still reads
        assert [s.id for s in session.scalars(select(Submission))] == [sid]
        with pytest.raises(KeyUnavailable, match="has no keyring"):
            sub.form_data  # noqa: B018 - reading it is the point
        sub.status = "processing"  # and writing other columns leaves the sealed one alone
    with sealed_db.session() as session:
        sub = session.get(Submission, sid)
        assert sub is not None and sub.status == "processing" and sub.form_data["housing"]["basic_rent"] == "520.00"
    plain_db.dispose()


def test_a_failed_flush_leaves_the_plain_value_in_the_object(sealed_db: Database, registry: ConnectorRegistry) -> None:
    """The race path of acceptance (a savepoint that fails on a unique key) must not leave envelope text behind."""
    with sealed_db.session() as session:
        first = _accept(session, registry)
    with sealed_db.session() as session:
        clash = Submission(
            id=str(uuid.uuid4()), receipt_number=first.receipt_number, service="wba", service_version="1",
            customer_id="kd-1001", status="accepted", form_data={"a": 1}, request_hash="h",
        )  # fmt: skip
        with pytest.raises(IntegrityError), session.begin_nested():
            session.add(clash)
            session.flush()
        assert clash.form_data == {"a": 1}
        clash.receipt_number = "R-OTHER"
        session.add(clash)
    with sealed_db.session() as session:
        assert session.get(Submission, clash.id).form_data == {"a": 1}  # type: ignore[union-attr]

"""A request's transaction commits before its answer is sent, and a value the database refuses is a 422.

FastAPI runs a ``yield`` dependency's exit after the response by default: a commit failing there (a value the
database refuses, a lost connection) would already have been answered 2xx — a receipt number for a submission
that was never stored. ``SessionDep`` commits when the handler returns (``scope="function"``).
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from connectors.sdk.registry import ConnectorRegistry
from services.portal.app import create_app
from services.portal.deps import SessionDep
from services.portal.errors import install_error_handlers
from services.settings import Settings
from services.store.db import Database
from services.store.models import Customer, MailboxThread, Submission


def test_a_commit_that_fails_is_not_answered_as_a_success(
    settings: Settings, db: Database, registry: ConnectorRegistry
) -> None:
    app = FastAPI()
    app.state.ozgflow = create_app(settings, db=db, registry=registry).state.ozgflow
    install_error_handlers(app)

    @app.post("/duplicate")
    def duplicate(session: SessionDep) -> dict[str, str]:
        existing = session.get(Customer, "kd-1001")
        assert existing is not None
        session.expunge(existing)
        session.add(Customer(**{c.key: getattr(existing, c.key) for c in Customer.__table__.columns}))
        return {"status": "stored"}  # no flush: the primary key clash only shows at commit

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.post("/duplicate")
    assert response.status_code == 500, response.text
    assert response.json()["error"]["code"] == "internal_error"


def test_a_nul_character_is_refused_as_input_and_nothing_is_stored(
    client: TestClient, token_for: Callable[[str], dict[str, str]], registry: ConnectorRegistry, db: Database
) -> None:
    """PostgreSQL cannot store NUL in text or JSON: forms refuse it per field, any other text gets a 422."""
    headers = token_for("kd-1001")
    form = copy.deepcopy(registry.get("vaem").examples()[0])
    form["remarks"] = "Neue Adresse\x00ab 1.12."
    filed = client.post("/api/v1/submissions/vaem", json=form, headers=headers)
    assert filed.status_code == 422, filed.text
    assert {(f["field"], f["code"]) for f in filed.json()["error"]["fields"]} == {("remarks", "control_character")}

    thread = client.post(
        "/api/v1/mailbox/threads", data={"topic": "nachweise", "subject": "Nachweis\x00", "body": "x"}, headers=headers
    )
    assert thread.status_code in (201, 422), thread.text  # SQLite stores a NUL; PostgreSQL refuses it
    if db.engine.dialect.name == "postgresql":
        assert thread.status_code == 422 and thread.json()["error"]["code"] == "invalid_value"
        with db.session() as session:
            assert session.scalar(select(func.count()).select_from(MailboxThread)) == 0
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Submission)) == 0

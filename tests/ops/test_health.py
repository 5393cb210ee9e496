"""The health panel's checks against real dependencies on loopback: up, refusing, failing, and silent."""

from __future__ import annotations

import asyncio
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from connectors.sdk.registry import ConnectorRegistry
from services.efile.store import FilesystemEFileStore
from services.ops.health import check_dependencies
from services.portal.app import create_app
from services.settings import Settings
from services.store.db import Database
from services.transfer.placement_simulator import create_verbis_app
from services.transfer.simulator import Faults, SimulatorState
from tests.ops.conftest import Headers
from tests.support.http_server import UvicornThread, free_port


@pytest.fixture(scope="module")
def verbis_server() -> Iterator[UvicornThread]:
    with UvicornThread(create_verbis_app()) as server:
        yield server


@pytest.fixture
def silent_server() -> Iterator[str]:
    """Accepts connections (the kernel's backlog) and never answers: a hung dependency."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


def _prefect_port(prefect_server: str) -> int:
    port = urlsplit(prefect_server).port
    assert port is not None
    return port


def test_every_dependency_up(
    settings: Settings,
    db: Database,
    simulator: SimulatorState,
    verbis_server: UvicornThread,
    prefect_server: str,
    tmp_path: Path,
) -> None:
    configured = settings.model_copy(
        update={"verbis_url": verbis_server.url, "prefect_port": _prefect_port(prefect_server)}
    )
    checks = asyncio.run(check_dependencies(settings=configured, db=db, efile=FilesystemEFileStore(tmp_path / "efile")))
    assert [(c.name, c.kind) for c in checks] == [
        ("Datenbank", "database"),
        ("E-Akte-Speicher", "efile"),
        ("Prefect-API", "orchestration"),
        ("ALLEGRO", "specialist_system"),
        ("VerBIS", "specialist_system"),
    ]
    assert all(c.up for c in checks), checks
    assert checks[3].target == settings.allegro_url and checks[4].target == verbis_server.url


def test_down_dependencies_are_reported_without_hanging(
    settings: Settings, db: Database, simulator: SimulatorState, silent_server: str, tmp_path: Path
) -> None:
    simulator.set_faults(Faults(outage=True))  # ALLEGRO answers 503
    not_a_folder = tmp_path / "efile-root"
    not_a_folder.write_text("a file where the e-file root should be")
    configured = settings.model_copy(
        update={"verbis_url": silent_server, "prefect_port": free_port()}  # VerBIS hangs, Prefect refuses
    )
    checks = {
        c.name: c
        for c in asyncio.run(
            check_dependencies(settings=configured, db=db, efile=FilesystemEFileStore(not_a_folder), timeout=0.5)
        )
    }
    assert checks["Datenbank"].up
    assert not checks["E-Akte-Speicher"].up and checks["E-Akte-Speicher"].detail == "EFileStoreError"
    assert not checks["Prefect-API"].up and checks["Prefect-API"].detail == "ConnectError"
    assert not checks["ALLEGRO"].up and checks["ALLEGRO"].detail == "HTTP 503"
    assert not checks["VerBIS"].up  # no answer within the timeout
    assert checks["VerBIS"].detail in ("keine Antwort innerhalb von 0.5 s", "ReadTimeout")


def test_health_api_and_panel(
    settings: Settings,
    db: Database,
    registry: ConnectorRegistry,
    simulator: SimulatorState,
    operator: Headers,
) -> None:
    simulator.set_faults(Faults(outage=True))
    configured = settings.model_copy(update={"verbis_url": f"http://127.0.0.1:{free_port()}"})
    with TestClient(create_app(configured, db=db, registry=registry)) as client:
        health = client.get("/api/v1/ops/health", headers=operator).json()
        page = client.get("/ops", headers=operator).text
    assert health["status"] == "degraded"
    state = {c["name"]: c["up"] for c in health["checks"]}
    assert state["Datenbank"] and state["E-Akte-Speicher"] and not state["ALLEGRO"] and not state["VerBIS"]
    assert 'data-dependency="specialist_system:ALLEGRO"' in page and "nicht erreichbar" in page


def test_s3_efile_store_is_checked_without_showing_its_credentials(
    settings: Settings, db: Database, s3_endpoint: str
) -> None:
    from services.efile.s3 import S3EFileStore

    def efile_check(bucket: str, *, create: bool) -> tuple[bool, str, str]:
        url = f"s3://testing:s3cret-key@{s3_endpoint}/{bucket}?secure=false&create_bucket={str(create).lower()}"
        checks = asyncio.run(check_dependencies(settings=settings, db=db, efile=S3EFileStore.from_url(url)))
        efile = next(c for c in checks if c.kind == "efile")
        assert "s3cret" not in repr(checks)
        return efile.up, efile.detail, efile.target

    assert efile_check(f"ops-{uuid.uuid4().hex[:10]}", create=True) == (True, "lesbar", "S3EFileStore")
    missing = efile_check(f"ops-{uuid.uuid4().hex[:10]}", create=False)  # the pipeline could not write there
    assert missing == (False, "EFileStoreError", "S3EFileStore")


def test_overview_shows_the_health_panel_when_the_database_is_down(
    settings: Settings, registry: ConnectorRegistry, operator: Headers
) -> None:
    dead = Database(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/ozgflow?connect_timeout=2")
    with TestClient(create_app(settings, db=dead, registry=registry)) as client:
        page = client.get("/ops", headers=operator)
    assert page.status_code == 200
    assert "Die Datenbank antwortet nicht (OperationalError)" in page.text
    assert '<tr data-dependency="database:Datenbank">' in page.text
    database_row = page.text.split('data-dependency="database:Datenbank"')[1].split("</tr>")[0]
    assert "nicht erreichbar" in database_row

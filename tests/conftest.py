"""Shared fixtures: real databases (SQLite and PostgreSQL), the back-office simulator over real
HTTP, the portal, and one session-wide Prefect server."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from connectors.sdk.registry import ConnectorRegistry
from connectors.sdk.trust import TrustLevel
from services.demo.seed import seed_demo_data
from services.identity.dev_issuer import dev_issuer_for
from services.portal.app import create_app
from services.settings import Settings
from services.store.db import Database
from services.store.migrate import upgrade
from services.store.models import Base
from services.transfer.simulator import SimulatorState, create_simulator_app
from tests.support.http_server import UvicornThread
from tests.support.smtp import SmtpSink

PG_ADMIN_DSN = os.environ.get("OZGFLOW_TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A uniquely named PostgreSQL database for this test session, migrated once."""
    psycopg = pytest.importorskip("psycopg")
    from psycopg import sql

    try:
        admin = psycopg.connect(PG_ADMIN_DSN, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN_DSN}: {exc}".splitlines()[0])
    name = f"ozgflow_test_{uuid.uuid4().hex[:10]}"
    admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    base = PG_ADMIN_DSN.rsplit("/", 1)[0]
    url = f"{base.replace('postgresql://', 'postgresql+psycopg://', 1)}/{name}"
    upgrade(url)
    yield url
    admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    admin.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Every test that uses the database runs on SQLite and on PostgreSQL (skipped where absent)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'ozgflow.db'}"
        upgrade(url)
        return url
    url: str = request.getfixturevalue("postgres_url")
    db = Database(url)
    with db.engine.begin() as conn:
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.dispose()
    return url


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    with database.session() as session:
        seed_demo_data(session)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def registry() -> ConnectorRegistry:
    reg = ConnectorRegistry.from_entry_points()
    assert not reg.errors, reg.errors
    return reg


@pytest.fixture(scope="session")
def simulator_state() -> SimulatorState:
    return SimulatorState()


@pytest.fixture(scope="session")
def simulator_server(simulator_state: SimulatorState) -> Iterator[UvicornThread]:
    with UvicornThread(create_simulator_app(simulator_state)) as server:
        yield server


@pytest.fixture
def simulator(simulator_server: UvicornThread, simulator_state: SimulatorState) -> Iterator[SimulatorState]:
    simulator_state.reset()
    yield simulator_state
    simulator_state.reset()


@pytest.fixture
def settings(tmp_path: Path, database_url: str, simulator_server: UvicornThread) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        environment="development",
        data_dir=tmp_path / "data",
        database_url=database_url,
        efile_url=f"file://{tmp_path / 'efile'}",
        allegro_url=simulator_server.url,
        transfer_max_tries=3,
        transfer_backoff_base_seconds=0.01,
        transfer_backoff_cap_seconds=0.05,
        transfer_timeout_seconds=2.0,
        retry_backoff_base_seconds=0.05,
        retry_backoff_cap_seconds=0.2,
        max_attempts=3,
        lease_seconds=5.0,
        worker_poll_seconds=0.05,
    )


@pytest.fixture
def client(settings: Settings, db: Database, registry: ConnectorRegistry) -> Iterator[TestClient]:
    with TestClient(create_app(settings, db=db, registry=registry)) as test_client:
        yield test_client


@pytest.fixture
def token_for(settings: Settings) -> Callable[..., dict[str, str]]:
    """Authorization headers for a demo customer, signed by the embedded issuer; ``trust_level`` of the sign-in
    "substantial" (eID) unless given ("low" cannot change address or bank details)."""
    issuer = dev_issuer_for(settings)

    def headers(customer_id: str, trust_level: str = "substantial") -> dict[str, str]:
        token = issuer.mint(customer_id, roles=["customer"], trust_level=TrustLevel.from_key(trust_level))
        return {"Authorization": f"Bearer {token}"}

    return headers


@pytest.fixture(scope="session")
def prefect_server() -> Iterator[str]:
    """One real Prefect server for the whole session (entering costs ~9 s)."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        yield str(PREFECT_API_URL.value())


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """moto's threaded server on 127.0.0.1; started once per session, skipped where it cannot run."""
    try:
        from moto.server import ThreadedMotoServer

        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
    except Exception as exc:  # noqa: BLE001 - any failure to start means "no S3 API here", not a test failure
        pytest.skip(f"moto's S3 server could not start ({type(exc).__name__}: {exc}); install moto[server]")
    yield f"{host}:{port}"
    server.stop()


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    """A real SMTP server on loopback that records every e-mail it accepted."""
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()

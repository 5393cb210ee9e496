"""Privacy tests: the portal on an e-file store the test can look into — the filesystem by default, the S3 API
(moto on loopback) where a test asks for ``@pytest.mark.parametrize("efile", ["filesystem", "s3"], indirect=True)``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from connectors.sdk.registry import ConnectorRegistry
from flows.worker import PipelineWorker, worker_from_settings
from services.efile.s3 import S3EFileStore
from services.efile.store import EFileStore, FilesystemEFileStore
from services.pipeline.assembly import build_runner
from services.portal.app import create_app
from services.settings import Settings
from services.store.db import Database
from tests.efile.conftest import s3_url


@pytest.fixture
def efile(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[EFileStore]:
    backend = getattr(request, "param", "filesystem")
    if backend == "filesystem":
        yield FilesystemEFileStore(tmp_path / "efile")
        return
    endpoint: str = request.getfixturevalue("s3_endpoint")
    httpx.post(f"http://{endpoint}/moto-api/reset").raise_for_status()
    yield S3EFileStore.from_url(s3_url(endpoint))
    httpx.post(f"http://{endpoint}/moto-api/reset").raise_for_status()


@pytest.fixture
def client(settings: Settings, db: Database, registry: ConnectorRegistry, efile: EFileStore) -> Iterator[TestClient]:
    with TestClient(create_app(settings, db=db, registry=registry, efile=efile)) as test_client:
        yield test_client


@pytest.fixture
def worker(
    prefect_server: str, settings: Settings, db: Database, registry: ConnectorRegistry, efile: EFileStore
) -> PipelineWorker:
    """The real pipeline (Prefect, the ALLEGRO simulator) writing into the same e-file store as the portal."""
    runner = build_runner(settings, db=db, registry=registry, efile_store=efile)
    return worker_from_settings(settings, runner=runner, worker_id="privacy-test-worker")

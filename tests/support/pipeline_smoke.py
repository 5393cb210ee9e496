"""Run one service's first example through portal, worker and Prefect in a fresh process.

Used by tests that install a package and need a new interpreter to see its entry points
(`python tests/support/pipeline_smoke.py SERVICE` with PREFECT_API_URL set). Prints a JSON summary.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from fastapi.testclient import TestClient

from connectors.sdk.registry import ConnectorRegistry
from flows.worker import worker_from_settings
from services.demo.seed import seed_demo_data
from services.pipeline.assembly import build_runner
from services.portal.app import create_app
from services.settings import Settings
from services.store.db import Database
from services.store.migrate import upgrade
from services.transfer.simulator import SimulatorState, create_simulator_app
from tests.support.http_server import UvicornThread
from tests.support.pipeline import run_worker_until, statuses


def main(service: str) -> dict[str, object]:
    workdir = Path(tempfile.mkdtemp(prefix="ozgflow-smoke-"))
    url = f"sqlite:///{workdir / 'smoke.db'}"
    upgrade(url)
    db = Database(url)
    with db.session() as session:
        seed_demo_data(session)
    registry = ConnectorRegistry.from_entry_points()
    state = SimulatorState()
    with UvicornThread(create_simulator_app(state)) as simulator:
        settings = Settings(
            _env_file=None,
            data_dir=workdir,
            database_url=url,  # type: ignore[call-arg]
            efile_url=f"file://{workdir / 'efile'}",
            allegro_url=simulator.url,
        )
        with TestClient(create_app(settings, db=db, registry=registry)) as client:
            catalogue = [s["key"] for s in client.get("/api/v1/services").json()]
            token = client.post("/api/v1/dev/token", json={"customer_id": "kd-1001"}).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            example = client.get(f"/api/v1/services/{service}").json()["examples"][0]
            accepted = client.post(f"/api/v1/submissions/{service}", json=example, headers=headers).json()
            worker = worker_from_settings(settings, runner=build_runner(settings, db=db, registry=registry))
            run_worker_until(worker, lambda: statuses(db, [accepted["id"]])[accepted["id"]] in ("completed", "failed"))
            status = client.get(accepted["status_url"], headers=headers).json()
            mailbox = client.get("/api/v1/mailbox", headers=headers).json()
    return {
        "catalogue": catalogue,
        "status": status["status"],
        "stages": [s["status"] for s in status["stages"]],
        "cases": len(state.cases()),
        "receipts": len(mailbox["messages"]),
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))

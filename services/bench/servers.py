"""The Prefect server a benchmark run needs on loopback (the simulator runs in a thread, services.loopback).

The Prefect server is a ``prefect server start``
subprocess on a free port with its own PREFECT_HOME in the run's temporary folder, so a benchmark never
touches the developer's own Prefect data — unless ``--prefect-api-url`` names a server to use instead.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from services.loopback import free_port, wait_until_healthy


@contextmanager
def prefect_server(workdir: Path, timeout: float = 120.0) -> Iterator[str]:
    """Start a temporary ``prefect server start`` (SQLite in its own PREFECT_HOME); yields its API URL."""
    port = free_port()
    home = workdir / "prefect-home"
    home.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
        "PREFECT_UI_ENABLED": "false",
    }
    env.pop("PREFECT_API_URL", None)
    prefect = str(Path(sys.executable).with_name("prefect"))
    url = f"http://127.0.0.1:{port}/api"
    with open(workdir / "prefect-server.log", "wb") as log:
        process = subprocess.Popen(
            [prefect, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_until_healthy(process, f"{url}/health", timeout, "the Prefect server")
            yield url
        finally:
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

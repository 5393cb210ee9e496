"""`make run` is `ozgflow up`: the whole platform from nothing, a WBA filed through it, Ctrl-C stops all."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.support.http_server import free_port

OZGFLOW = str(Path(sys.executable).with_name("ozgflow"))


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def _read_until(proc: subprocess.Popen[str], marker: str, limit: int = 400) -> str:
    seen = []
    for _ in range(limit):  # bounded by lines, not by time: a hung start fails via pytest-timeout
        line = proc.stdout.readline() if proc.stdout else ""
        if not line:
            break
        seen.append(line)
        if marker in line:
            return "".join(seen)
    raise AssertionError("".join(seen))


def test_up_starts_everything_files_a_wba_and_stops_cleanly(tmp_path: Path) -> None:
    ports = {
        "OZGFLOW_PORTAL_PORT": free_port(),
        "OZGFLOW_PREFECT_PORT": free_port(),
        "OZGFLOW_SIMULATOR_PORT": free_port(),
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OZGFLOW_", "PREFECT_"))}
    env.update({k: str(v) for k, v in ports.items()})
    proc = subprocess.Popen(
        [OZGFLOW, "up"], cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        banner = _read_until(proc, "Press Ctrl-C")
        portal = f"http://127.0.0.1:{ports['OZGFLOW_PORTAL_PORT']}"
        assert portal in banner and f"http://127.0.0.1:{ports['OZGFLOW_PREFECT_PORT']}" in banner
        assert "ozgflow token kd-1001" in banner
        assert (tmp_path / ".ozgflow" / "ozgflow.db").exists()  # data in the project-local folder
        assert (tmp_path / ".ozgflow" / "prefect").is_dir()

        second = subprocess.run([OZGFLOW, "up"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
        assert second.returncode == 1 and "already in use" in second.stderr

        token = httpx.post(f"{portal}/api/v1/dev/token", json={"customer_id": "kd-4001"}).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        form = (tmp_path / ".ozgflow" / "examples" / "wba.json").read_bytes()
        accepted = httpx.post(
            f"{portal}/api/v1/submissions/wba", content=form, headers={**headers, "Content-Type": "application/json"}
        )
        assert accepted.status_code == 202
        status = {}
        for _ in range(900):
            status = httpx.get(f"{portal}{accepted.json()['status_url']}", headers=headers).json()
            if status["status"] in ("completed", "failed"):
                break
            time.sleep(0.2)
        assert status["status"] == "completed", status
        assert status["jobcenter"]["name"] == "Jobcenter Bremen"
        messages = httpx.get(f"{portal}/api/v1/mailbox", headers=headers).json()["messages"]
        assert messages[0]["receipt_number"] == accepted.json()["receipt_number"]
    finally:
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, out
    assert "all components stopped" in out
    assert not any(_listening(p) for p in ports.values())

"""Servers on loopback: an ASGI app in a background thread, free ports, waiting for a child to be healthy.

Used by the tests (real HTTP instead of mocks), the benchmark and the load-test runner.

Why a thread and a pre-bound socket: tests talk to real servers (simulators, the portal) instead of mocks,
and must run in parallel without fixed ports. Binding port 0 first and handing that very socket to uvicorn
gives a free port without the race of "find a port, close it, hope nobody takes it".

    with UvicornThread(create_simulator_app()) as server:
        httpx.get(f"{server.url}/healthz")
"""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from types import TracebackType
from typing import Any, Self

import httpx
import uvicorn


def free_port(host: str = "127.0.0.1") -> int:
    """A port that was free a moment ago (for servers that cannot take a pre-bound socket, or to get a
    port where nothing listens). Prefer handing over a bound socket where the server allows it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class UvicornThread:
    """Context manager: start ``app`` on ``host`` and a free (or given) port, stop it cleanly on exit."""

    def __init__(
        self,
        app: Any,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        startup_timeout: float = 10.0,
        shutdown_timeout: float = 10.0,
        **config: Any,
    ) -> None:
        self.app = app
        self.host = host
        self.port = port
        self.startup_timeout = startup_timeout
        self.shutdown_timeout = shutdown_timeout
        self._config: dict[str, Any] = {
            "log_level": "warning",
            "access_log": False,
            "timeout_graceful_shutdown": 5,
            **config,
        }
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self._error: BaseException | None = None

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("UvicornThread is not running")
        return f"http://{self.host}:{self.port}"

    @property
    def server(self) -> uvicorn.Server:
        if self._server is None:
            raise RuntimeError("UvicornThread is not running")
        return self._server

    def start(self) -> Self:
        if self._server is not None:
            raise RuntimeError("UvicornThread already started")
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        self._socket = sock
        self._server = uvicorn.Server(uvicorn.Config(self.app, host=self.host, port=self.port, **self._config))
        self._thread = threading.Thread(target=self._run, name=f"uvicorn-{self.port}", daemon=True)
        self._thread.start()
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _run(self) -> None:
        assert self._server is not None and self._socket is not None
        try:
            self._server.run(sockets=[self._socket])
        except BaseException as exc:  # noqa: BLE001 - incl. SystemExit on startup failure; start() reports it
            self._error = exc
        finally:
            self._socket.close()

    def _wait_until_ready(self) -> None:
        assert self._server is not None and self._thread is not None
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if not self._thread.is_alive():
                raise RuntimeError(f"uvicorn stopped during startup: {self._error!r}")
            if self._server.started and self._accepts_connections():
                return
            time.sleep(0.01)
        raise TimeoutError(f"uvicorn did not start within {self.startup_timeout} s")

    def _accepts_connections(self) -> bool:
        try:
            with socket.create_connection((self.host, self.port), timeout=0.5):
                return True
        except OSError:
            return False

    def stop(self) -> None:
        if self._server is None or self._thread is None:
            return
        self._server.should_exit = True
        self._thread.join(self.shutdown_timeout)
        if self._thread.is_alive():
            self._server.force_exit = True
            self._thread.join(self.shutdown_timeout)
        if self._thread.is_alive():
            raise RuntimeError(f"uvicorn on port {self.port} did not stop")

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def wait_until_healthy(process: subprocess.Popen[bytes], health_url: str, timeout: float, name: str) -> None:
    """Poll ``health_url`` until it answers 200; fail early if the child process exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with code {process.returncode}")
        try:
            if httpx.get(health_url, timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{name} did not answer {health_url} within {timeout:.0f} s")

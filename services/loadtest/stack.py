"""`--start`: a throw-away platform (`ozgflow up`) on free ports, its data in ``<out>/stack``.

The data folder is kept after the run (not a temp dir that vanishes): it holds the started stack's database
with the LoadTestRun row, and the component logs to look at when a run fails.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from services.loopback import free_port
from services.settings import Settings

READY_MARKER = "ozgflow is running"


@dataclass
class StartedStack:
    data_dir: Path
    settings: Settings
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def host(self) -> str:
        return self.settings.resolved_public_url

    @property
    def log(self) -> Path:
        return self.data_dir.parent / "stack.log"

    def start(self, timeout_s: float = 180.0) -> None:
        """Start and wait for the banner; the whole stack (Prefect included) is ready then."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OZGFLOW_", "PREFECT_"))}
        env.update(
            {
                "OZGFLOW_DATA_DIR": str(self.data_dir),
                "OZGFLOW_PORTAL_PORT": str(self.settings.portal_port),
                "OZGFLOW_PREFECT_PORT": str(self.settings.prefect_port),
                "OZGFLOW_SIMULATOR_PORT": str(self.settings.simulator_port),
                # Every virtual user comes from this one address and reuses a few demo customers: the portal's
                # abuse limits (docs/security.md) would measure themselves, not the platform.
                "OZGFLOW_RATE_LIMIT_SUBMISSIONS_PER_CUSTOMER": "",
                "OZGFLOW_RATE_LIMIT_SUBMISSIONS_PER_ADDRESS": "",
                "OZGFLOW_RATE_LIMIT_LOGINS_PER_ADDRESS": "",
            }
        )
        if self.settings.roadmap_path:
            env["OZGFLOW_ROADMAP_PATH"] = str(self.settings.roadmap_path)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "services.cli.main", "up"],
                cwd=self.data_dir.parent,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"ozgflow up exited with code {self.process.returncode}; see {self.log}")
            if READY_MARKER in self.log.read_text(encoding="utf-8", errors="replace"):
                return
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"ozgflow up was not ready within {timeout_s:.0f} s; see {self.log}")

    def stop(self) -> None:
        """SIGINT, as Ctrl-C: `ozgflow up` stops its components itself; killed only if it hangs."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def new_stack(out: Path, base: Settings) -> StartedStack:
    """A stack on free ports with embedded defaults (SQLite, file e-file store) in ``out/stack``."""
    data_dir = (out / "stack").resolve()
    settings = Settings(  # explicit values win over OZGFLOW_* of this shell, which the child does not see either
        environment="development",
        data_dir=data_dir,
        database_url="",
        efile_url="",
        public_url="",
        allegro_url="",
        verbis_url="",
        host="127.0.0.1",
        portal_port=free_port(),
        prefect_port=free_port(),
        simulator_port=free_port(),
        roadmap_path=base.roadmap_path,
    )
    return StartedStack(data_dir=data_dir, settings=settings)

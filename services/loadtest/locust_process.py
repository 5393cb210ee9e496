"""Locust as a child process: the command line, its environment, and progress while it runs.

Never ``import locust`` here: it monkey-patches the importing process with gevent. The child writes
``locust_stats.json`` (final statistics), ``locust_stats.csv`` (refreshed every second: our progress bar
reads it), ``locust.html`` (its own report) and ``locust.log``.
"""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

LOADTESTS = Path(__file__).resolve().parents[2] / "loadtests"
LOCUSTFILE = LOADTESTS / "locustfile.py"
_DURATION = re.compile(r"^\s*(?:(\d+)h)?\s*(?:(\d+)m)?\s*(?:(\d+)s?)?\s*$")


def parse_duration(text: str) -> int:
    """'60s', '2m', '1h30m', '90' → seconds (Locust's --run-time syntax); ValueError otherwise."""
    match = _DURATION.match(text)
    if not text.strip() or not match or not any(match.groups()):
        raise ValueError(f"not a duration: {text!r} (use e.g. 60s, 2m, 1h30m)")
    h, m, s = (int(g) if g else 0 for g in match.groups())
    seconds = h * 3600 + m * 60 + s
    if seconds <= 0:
        raise ValueError("the duration must be positive")
    return seconds


@dataclass(frozen=True)
class LocustRun:
    service: str
    host: str
    users: int
    spawn_rate: float
    duration_s: int
    out: Path
    verbis_url: str
    think: tuple[float, float]
    customers: tuple[str, ...] = ()
    staff: tuple[str, ...] = ()

    @property
    def stats_prefix(self) -> Path:
        return self.out / "locust_stats"

    @property
    def ledger(self) -> Path:
        return self.out / "submissions.jsonl"

    @property
    def html(self) -> Path:
        return self.out / "locust.html"

    def command(self) -> list[str]:
        return [
            sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--only-summary",
            "--users", str(self.users), "--spawn-rate", str(self.spawn_rate), "--run-time", f"{self.duration_s}s",
            "--host", self.host, "--json-file", str(self.stats_prefix), "--csv", str(self.out / "locust"),
            "--html", str(self.html), "--logfile", str(self.out / "locust.log"), "--exit-code-on-error", "0",
        ]  # fmt: skip

    def environment(self) -> dict[str, str]:
        root = str(LOADTESTS.parent)
        env = dict(os.environ)
        env.update(
            {
                "PYTHONPATH": os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p),
                "OZGFLOW_LOADTEST_SERVICE": self.service,
                "OZGFLOW_LOADTEST_LEDGER": str(self.ledger),
                "OZGFLOW_LOADTEST_VERBIS_URL": self.verbis_url,
                "OZGFLOW_LOADTEST_THINK_MIN": str(self.think[0]),
                "OZGFLOW_LOADTEST_THINK_MAX": str(self.think[1]),
                "OZGFLOW_LOADTEST_POLL_SECONDS": str(max(0.5, self.think[0])),
                "OZGFLOW_LOADTEST_CUSTOMERS": ",".join(self.customers),
                "OZGFLOW_LOADTEST_STAFF": ",".join(self.staff),
            }
        )
        return env


def _live_counts(csv_path: Path) -> tuple[int, int]:
    """(requests, failures) of the 'Aggregated' row Locust rewrites every second; (0, 0) before it exists."""
    try:
        with csv_path.open(newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if row.get("Name") == "Aggregated":
                    return int(row.get("Request Count") or 0), int(row.get("Failure Count") or 0)
    except (OSError, ValueError):
        pass
    return 0, 0


class LocustFailed(RuntimeError):
    pass


def run_locust(run: LocustRun, *, grace_s: float = 30.0) -> Path:
    """Run Locust to its end (killed if it overruns by ``grace_s``) with a progress bar; the stats JSON path."""
    run.out.mkdir(parents=True, exist_ok=True)
    run.ledger.unlink(missing_ok=True)
    stats_json = run.stats_prefix.with_suffix(".json")
    stats_json.unlink(missing_ok=True)
    live_csv = run.out / "locust_stats.csv"
    with (run.out / "locust.out").open("wb") as console:
        proc = subprocess.Popen(run.command(), env=run.environment(), stdout=console, stderr=subprocess.STDOUT)
        started = time.monotonic()
        columns = (
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[counts]}"),
        )
        with Progress(*columns) as progress:
            bar = progress.add_task(f"locust {run.service}", total=run.duration_s, counts="")
            while proc.poll() is None:
                elapsed = time.monotonic() - started
                if elapsed > run.duration_s + grace_s:
                    proc.kill()
                    proc.wait()
                    raise LocustFailed(f"Locust did not stop within {run.duration_s + grace_s:.0f} s; killed")
                requests, failures = _live_counts(live_csv)
                progress.update(
                    bar, completed=min(elapsed, run.duration_s), counts=f"{requests} requests, {failures} failed"
                )
                time.sleep(0.5)
            progress.update(bar, completed=run.duration_s)
    if not stats_json.exists():
        tail = (run.out / "locust.out").read_text(encoding="utf-8", errors="replace")[-2000:]
        raise LocustFailed(f"Locust exited with code {proc.returncode} without statistics:\n{tail}")
    return stats_json

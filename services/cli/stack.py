"""`ozgflow up`: the whole platform on one machine, as child processes, stopped cleanly on Ctrl-C.

Each component runs in its own process (as in production) with its output in data_dir/logs, so
the console shows only progress, URLs and what to do next.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer

from services.loopback import wait_until_healthy
from services.settings import Settings

_OZGFLOW = [sys.executable, "-m", "services.cli.main"]


@dataclass
class Component:
    name: str
    command: list[str]
    health_url: str
    timeout: float
    process: subprocess.Popen[bytes] | None = None

    @property
    def log_name(self) -> str:
        """data_dir/logs/<log_name>.log: 'portal', 'server', 'simulator', 'worker', 'worker-2' …"""
        words = self.name.split()
        return f"{words[-2]}-{words[-1]}" if words[-1].isdigit() else words[-1]


def _step(message: str, action: Callable[[], str | None]) -> None:
    typer.echo(f"  {message} …", nl=False)
    started = time.monotonic()
    detail = action()
    typer.secho(f" {detail or 'done'} ({time.monotonic() - started:.1f} s)", fg="green")


def child_environment(settings: Settings) -> dict[str, str]:
    """The resolved settings as OZGFLOW_* variables, so every child sees the same configuration."""
    data_dir = settings.data_dir.resolve()
    env = dict(os.environ)
    env.update(
        {
            "OZGFLOW_ENVIRONMENT": settings.environment,
            "OZGFLOW_DATA_DIR": str(data_dir),
            "OZGFLOW_DATABASE_URL": settings.resolved_database_url,
            "OZGFLOW_EFILE_URL": settings.resolved_efile_url,
            "OZGFLOW_HOST": settings.host,
            "OZGFLOW_PORTAL_PORT": str(settings.portal_port),
            "OZGFLOW_PREFECT_PORT": str(settings.prefect_port),
            "OZGFLOW_SIMULATOR_PORT": str(settings.simulator_port),
            "OZGFLOW_ALLEGRO_URL": settings.resolved_allegro_url,
            "OZGFLOW_VERBIS_URL": settings.resolved_verbis_url,
            "OZGFLOW_SIMULATOR_PUSH_URL": settings.resolved_simulator_push_url,
            "OZGFLOW_INBOUND_API_KEYS": json.dumps(settings.inbound_api_keys),
            "PREFECT_API_URL": settings.prefect_api_url,
            "PREFECT_HOME": str(data_dir / "prefect"),
            **(
                {"PREFECT_API_DATABASE_CONNECTION_URL": settings.resolved_prefect_database_url}
                if settings.resolved_prefect_database_url
                else {}
            ),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def _wait_healthy(component: Component) -> str:
    assert component.process is not None
    wait_until_healthy(component.process, component.health_url, component.timeout, component.name)
    return "ready"


def _stop(components: list[Component]) -> None:
    for c in reversed(components):
        if c.process and c.process.poll() is None:
            c.process.send_signal(signal.SIGTERM)
    for c in reversed(components):
        if c.process is None:
            continue
        try:
            c.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            c.process.kill()
            c.process.wait()


def _prepare(settings: Settings) -> str:
    from connectors.sdk.registry import ConnectorRegistry
    from services.demo.seed import seed_demo_data
    from services.store.db import database_from_settings
    from services.store.migrate import upgrade

    upgrade(settings.resolved_database_url)
    db = database_from_settings(settings)  # in development this also creates the master key before anyone races
    with db.session() as session:
        counts = seed_demo_data(session)
    db.dispose()
    examples = settings.data_dir / "examples"
    examples.mkdir(parents=True, exist_ok=True)
    registry = ConnectorRegistry.from_entry_points()
    for connector in registry:
        (examples / f"{connector.key}.json").write_text(
            json.dumps(connector.examples()[0], ensure_ascii=False, indent=2), encoding="utf-8"
        )
    for error in registry.errors:
        typer.secho(f"\n  connector '{error.name}' not loaded: {error.reason}", fg="yellow")
    return f"{counts['jobcenters']} jobcenters, {counts['customers']} demo customers, connectors {registry.keys()}"


def _port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((host, port)) == 0


def _check_ports(settings: Settings) -> None:
    """Refuse to start beside another stack: its health checks would answer for ours."""
    for name, port, variable in (
        ("portal", settings.portal_port, "OZGFLOW_PORTAL_PORT"),
        ("Prefect server", settings.prefect_port, "OZGFLOW_PREFECT_PORT"),
        ("simulator", settings.simulator_port, "OZGFLOW_SIMULATOR_PORT"),
    ):
        if _port_in_use(settings.host, port):
            raise RuntimeError(
                f"port {port} for the {name} is already in use (is another `ozgflow up` running?); "
                f"stop it or choose another port with {variable}"
            )


def _start_mail_sink(settings: Settings, sinks: list[Any]) -> str:
    """The development SMTP sink (only when no SMTP server is configured): mails land in data_dir/mail."""
    if settings.smtp_host:
        return f"using {settings.smtp_host}:{settings.smtp_port}"
    if _port_in_use(settings.resolved_smtp_host, settings.smtp_port):
        return f"skipped: port {settings.smtp_port} is in use (notifications wait; see OZGFLOW_SMTP_PORT)"
    from services.mailbox.dev_sink import start_dev_sink

    sinks.append(start_dev_sink(settings.resolved_smtp_host, settings.smtp_port, settings.data_dir.resolve() / "mail"))
    return f"{settings.resolved_smtp_host}:{settings.smtp_port}"


def _raise_keyboard_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run_stack(settings: Settings) -> int:
    # `kill` stops the stack as cleanly as Ctrl-C; SIGINT is installed explicitly because a shell that starts
    # us in the background (`make run &`) passes SIGINT on as ignored, and Python then never raises for it.
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    signal.signal(signal.SIGINT, _raise_keyboard_interrupt)
    try:
        _check_ports(settings)
    except RuntimeError as exc:
        typer.secho(str(exc), fg="red", err=True)
        return 1
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    logs = settings.data_dir.resolve() / "logs"
    logs.mkdir(exist_ok=True)
    env = child_environment(settings)
    base = f"http://{settings.host}"
    prefect = str(Path(sys.executable).with_name("prefect"))
    components = [
        Component("back-office simulator", [*_OZGFLOW, "simulator"], f"{base}:{settings.simulator_port}/healthz", 30),
        Component("portal", [*_OZGFLOW, "portal"], f"{base}:{settings.portal_port}/healthz", 30),
        Component(
            "Prefect server",
            [prefect, "server", "start", "--host", settings.host, "--port", str(settings.prefect_port)],
            f"{settings.prefect_api_url}/health",
            120,
        ),
        *(
            Component(
                f"pipeline worker {n}" if settings.workers > 1 else "pipeline worker", [*_OZGFLOW, "worker"], "", 0
            )
            for n in range(1, settings.workers + 1)
        ),
    ]
    embedded = settings.resolved_database_url.startswith("sqlite") and not settings.prefect_database_url
    typer.secho(
        f"ozgflow — starting the platform on {'embedded defaults' if embedded else 'configured backends'}", bold=True
    )
    started: list[Component] = []
    sinks: list[Any] = []
    try:
        _step("database migrations and demo data", lambda: _prepare(settings))
        _step("mail sink (SMTP)", lambda: _start_mail_sink(settings, sinks))
        for c in components:

            def start(c: Component = c) -> str:
                log_file = open(logs / f"{c.log_name}.log", "ab")  # noqa: SIM115 - owned by the child
                c.process = subprocess.Popen(
                    c.command, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
                )
                started.append(c)
                return _wait_healthy(c) if c.health_url else "started"

            _step(f"{c.name}", start)
        _banner(settings, mail_sink=bool(sinks))
        while True:
            for c in started:
                assert c.process is not None
                if c.process.poll() is not None:
                    typer.secho(
                        f"{c.name} stopped unexpectedly (code {c.process.returncode}); see {logs}", fg="red", err=True
                    )
                    return 1
            time.sleep(1)
    except KeyboardInterrupt:
        typer.echo("\nstopping …")
        return 0
    except RuntimeError as exc:
        typer.secho(f"\n{exc}; logs in {logs}", fg="red", err=True)
        return 1
    finally:
        _stop(started)
        for sink in sinks:
            sink.stop()
        typer.echo("all components stopped")


def _banner(settings: Settings, *, mail_sink: bool = False) -> None:
    portal = settings.resolved_public_url
    example = settings.data_dir / "examples" / "wba.json"
    typer.echo("")
    typer.secho("ozgflow is running", bold=True, fg="green")
    typer.echo(f"  portal (API)        {portal}   docs: {portal}/docs")
    typer.echo(f"  flow dashboard      http://{settings.host}:{settings.prefect_port}")
    typer.echo(f"  back-office sim.    {settings.resolved_allegro_url}   faults: /_simulator/faults")
    typer.echo(f"  placement (VerBIS)  {settings.resolved_verbis_url}   push offers: /_simulator/offers")
    if mail_sink:
        mail = settings.data_dir.resolve() / "mail"
        typer.echo(f"  mail sink (SMTP)    {settings.resolved_smtp_host}:{settings.smtp_port}   e-mails: {mail}/*.eml")
    typer.echo(f"  data                {settings.data_dir.resolve()}")
    typer.echo("")
    typer.echo("File a continuation application (WBA) as demo customer kd-1001 (Anna Schmidt, Berlin Mitte):")
    typer.echo("")
    if settings.data_dir == Path(".ozgflow") and not settings.database_url:
        typer.echo(f"  TOKEN=$({Path(sys.executable).with_name('ozgflow')} token kd-1001)")
    else:  # the token command would need this stack's settings (and the database password): ask the portal
        typer.echo(f"  TOKEN=$(curl -s -X POST {portal}/api/v1/dev/token -H 'Content-Type: application/json' \\")
        typer.echo('          -d \'{"customer_id": "kd-1001"}\' | sed -E \'s/.*"access_token":"([^"]+)".*/\\1/\')')
    typer.echo(f'  curl -s -X POST {portal}/api/v1/submissions/wba -H "Authorization: Bearer $TOKEN" \\')
    typer.echo(f"       -H 'Content-Type: application/json' -H 'Idempotency-Key: demo-1' -d @{example}")
    typer.echo(f'  curl -s {portal}/api/v1/mailbox -H "Authorization: Bearer $TOKEN"')
    typer.echo("")
    typer.echo("Let VerBIS push a placement offer to kd-1001 (README: Placement offers):")
    typer.echo(
        f"  curl -s -X POST {settings.resolved_verbis_url}/_simulator/offers -H 'Content-Type: application/json' \\"
    )
    typer.echo("""       -d '{"bg_number": "96101BG0012342"}'""")
    typer.echo("")
    typer.echo("Press Ctrl-C to stop.")

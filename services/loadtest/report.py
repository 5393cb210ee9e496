"""The run's report: ``report.json`` (the evidence, format ``ozgflow-loadtest/1``), ``report.html`` (a short
summary page linking Locust's own ``locust.html``) and the verdict table on the console."""

from __future__ import annotations

import html
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from services.loadtest.metrics import CompletionStats, EndpointStats
from services.loadtest.slo import Check, Slo

FORMAT = "ozgflow-loadtest/1"


def build_report(
    *,
    run_id: str,
    service: str,
    version: str,
    target: str,
    started_at: datetime,
    finished_at: datetime,
    parameters: dict[str, Any],
    totals: tuple[int, int, float | None],
    accept: EndpointStats,
    completion: CompletionStats,
    endpoints: list[EndpointStats],
    slo: Slo,
    checks: list[Check],
    verdict: str,
    files: dict[str, str],
) -> dict[str, Any]:
    requests, failures, rate = totals
    return {
        "format": FORMAT,
        "run_id": run_id,
        "service": service,
        "service_version": version,
        "target": target,
        "started_at": started_at.isoformat(),
        "finished_at": finished_at.isoformat(),
        "parameters": parameters,
        "metrics": {
            "requests": requests,
            "failures": failures,
            "error_rate": rate,
            "accept": accept.as_dict(),
            "completion": completion.as_dict(),
            "endpoints": [e.as_dict() for e in endpoints],
        },
        "slo": slo.as_dict(),
        "checks": [c.as_dict() for c in checks],
        "verdict": verdict,
        "files": files,
    }


def show(value: float | None, unit: str) -> str:
    if value is None:
        return "not measured" if unit != "s" else "not completed"
    if unit == "":
        return f"{value * 100:.2f} %"
    return f"{value:,.0f} {unit}" if unit == "ms" else f"{value:,.1f} {unit}"


def print_verdict(report: dict[str, Any], console: Console | None = None) -> None:
    out = console or Console()
    table = Table(title=f"{report['service']} {report['service_version']} against {report['target']}")
    for column in ("SLO", "measured", "target", "result"):
        table.add_column(column)
    for c in report["checks"]:
        table.add_row(
            c["label"], show(c["measured"], c["unit"]), show(c["target"], c["unit"]),
            "[green]pass[/]" if c["passed"] else "[red]FAIL[/]",
        )  # fmt: skip
    out.print(table)
    m = report["metrics"]
    done = m["completion"]
    out.print(
        f"{m['requests']} requests ({m['failures']} failed); {done['filed']} submissions filed: {done['completed']} "
        f"completed, {done['failed']} failed, {done['unfinished']} unfinished. SLOs from the {report['slo']['source']}."
    )
    colour = "green" if report["verdict"] == "pass" else "red"
    out.print(f"[bold {colour}]verdict: {report['verdict'].upper()}[/]   report: {report['files']['html']}")


def _rows(cells: list[list[str]]) -> str:
    return "\n".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in cells)


def summary_html(report: dict[str, Any]) -> str:
    checks = [
        [c["label"], show(c["measured"], c["unit"]), show(c["target"], c["unit"]), "pass" if c["passed"] else "FAIL"]
        for c in report["checks"]
    ]
    endpoints = [
        [
            e["method"],
            e["name"],
            str(e["requests"]),
            str(e["failures"]),
            show(e["p50_ms"], "ms"),
            show(e["p95_ms"], "ms"),
        ]
        for e in report["metrics"]["endpoints"]
    ]
    done = report["metrics"]["completion"]
    esc = {k: html.escape(str(report[k])) for k in ("service", "service_version", "target", "verdict", "started_at")}
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Load test {esc["service"]} {esc["service_version"]}</title>
<style>body{{font-family:sans-serif;margin:2em}}td,th{{border:1px solid #ccc;padding:.3em .6em}}
table{{border-collapse:collapse;margin-bottom:1.5em}}.pass{{color:#060}}.fail{{color:#a00}}</style></head><body>
<h1>Load test {esc["service"]} {esc["service_version"]}:
<span class="{esc["verdict"]}">{esc["verdict"].upper()}</span></h1>
<p>Target {esc["target"]}, started {esc["started_at"]}, parameters {html.escape(json.dumps(report["parameters"]))};
SLOs from the {html.escape(report["slo"]["source"])}.</p>
<h2>SLOs</h2><table><tr><th>SLO</th><th>measured</th><th>target</th><th>result</th></tr>{_rows(checks)}</table>
<h2>Completion</h2><p>{done["filed"]} filed, {done["completed"]} completed, {done["failed"]} failed,
{done["unfinished"]} unfinished; p50 {show(done["p50_s"], "s")}, p95 {show(done["p95_s"], "s")}.</p>
<h2>Requests</h2><table><tr><th>method</th><th>name</th><th>requests</th><th>failures</th><th>p50</th><th>p95</th></tr>
{_rows(endpoints)}</table>
<p>Locust's own report: <a href="locust.html">locust.html</a>; raw data: <a href="report.json">report.json</a>.</p>
</body></html>
"""


def write_report(report: dict[str, Any], out: Path) -> None:
    (out / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    (out / "report.html").write_text(summary_html(report), encoding="utf-8")

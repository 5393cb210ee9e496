"""The benchmark report: ratios against the baselines measured in the same run, a table, and JSON.

Why ratios: the machines are shared and noisy; absolute submissions/s move with whatever else runs, but
phases measured minutes apart on the same machine move together, so (b)/(a) and (b)/(c) are what to
compare across runs and machines.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """numerator / denominator, or None where either is missing, not finite, or the denominator is 0."""
    if numerator is None or denominator is None:
        return None
    if not (math.isfinite(numerator) and math.isfinite(denominator)) or denominator == 0:
        return None
    return numerator / denominator


def ratios(results: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per database and worker count: throughput of (b) over (a) and over (c)."""
    out: list[dict[str, Any]] = []
    for database in dict.fromkeys(r["database"] for r in results):
        rows = [r for r in results if r["database"] == database]
        raw = next((r["stats"]["per_second"] for r in rows if r["phase"] == "raw"), None)
        naive = next((r["stats"]["per_second"] for r in rows if r["phase"] == "naive"), None)
        for row in rows:
            if row["phase"] != "ozgflow":
                continue
            b = row["stats"]["per_second"]
            out.append(
                {
                    "database": database,
                    "workers": row["workers"],
                    "b_over_a": ratio(b, raw),
                    "b_over_c": ratio(b, naive),
                }
            )
    return out


def _num(value: float | None, digits: int = 1, suffix: str = "") -> str:
    return "–" if value is None else f"{value:.{digits}f}{suffix}"


def render(report: dict[str, Any], console: Console) -> None:
    """Print the measured table and the ratios."""
    m = report["machine"]
    table = Table(
        title=f"ozgflow benchmark — {m['nproc']} CPUs, Python {m['python']}, Prefect {m['prefect']}",
        caption=f"Prefect server: {report['prefect_server']}; naive: {report['naive_mode']}",
    )
    for column in ("database", "phase", "n", "done", "s", "subm./s", "e2e p50", "e2e p95", "proc. p50", "proc. p95"):
        table.add_column(column, justify="left" if column in ("database", "phase") else "right")
    table.add_column("checks")
    for r in report["results"]:
        s, v = r["stats"], r["verification"]
        table.add_row(
            r["database"],
            r["label"],
            str(s["submissions"]),
            str(s["completed"]),
            _num(s["seconds"]),
            _num(s["per_second"]),
            _num(s["e2e_p50"], 2, " s"),
            _num(s["e2e_p95"], 2, " s"),
            _num(s["processing_p50"], 3, " s"),
            _num(s["processing_p95"], 3, " s"),
            "ok" if v["ok"] else "[red]FAILED[/red]",
        )
    console.print(table)
    ratio_table = Table(title="throughput ratios (same run)")
    for column in ("database", "workers", "(b)/(a) aim ≥ 0.5", "(b)/(c) aim ≥ 10"):
        ratio_table.add_column(column, justify="right")
    for r in report["ratios"]:
        ratio_table.add_row(r["database"], str(r["workers"]), _num(r["b_over_a"], 2), _num(r["b_over_c"], 1, "×"))
    console.print(ratio_table)
    if report["options"]["naive_limit"] and report["options"]["naive_limit"] < report["options"]["submissions"]:
        console.print(
            f"(c) ran on {report['options']['naive_limit']} of {report['options']['submissions']} submissions "
            "(--naive-limit); its e2e latencies therefore queue behind a smaller burst."
        )


def write_json(report: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")

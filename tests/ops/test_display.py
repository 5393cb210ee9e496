"""What reaches the page: masking of BG numbers, safe ledger errors, trace ids, and the SVG charts."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest

from services.ops.charts import axis_top, latency_chart, nice_ceiling, throughput_chart, time_axis_top
from services.ops.display import duration
from services.ops.lookup import InvalidQuery, normalise_query, trace_id_of
from services.ops.redact import mask, safe_stage_error
from services.ops.scope import BUCKETS, Scope
from services.ops.series import Bucket, Series

SVG = "{http://www.w3.org/2000/svg}"


def test_bg_numbers_are_masked_wherever_they_appear() -> None:
    key = "jc-berlin-mitte/96101BG0012342/WBA-20250101-ABCDEFGH/submission.pdf"
    assert mask(key) == "jc-berlin-mitte/[BG-Nr.]/WBA-20250101-ABCDEFGH/submission.pdf"
    assert mask("BG 96101 BG 0012342 und 07301bg0003150") == "BG [BG-Nr.] und [BG-Nr.]"
    assert mask(None) is None


def test_ledger_errors_show_their_message_only_when_the_type_is_safe_by_contract() -> None:
    safe = "HandoverFailed: WBA-20250101-ABCDEFGH: ALLEGRO nicht erreichbar nach 3 Versuchen: 503"
    assert safe_stage_error(safe) == safe
    assert safe_stage_error("EFileStoreError: cannot write e-file object (receipt WBA-1)").startswith("EFileStore")
    assert safe_stage_error("KeyError: 'Anna Schmidt'") == "KeyError (Details im Stage-Ledger)"
    assert safe_stage_error("ValidationError: 1 validation error, input_value='Lindenallee 17'") == (
        "ValidationError (Details im Stage-Ledger)"
    )
    assert safe_stage_error("Anna Schmidt wohnt hier: Lindenallee") == "Fehler (Details im Stage-Ledger)"
    assert safe_stage_error(None) is None and safe_stage_error("") is None


def test_trace_id_comes_from_a_valid_traceparent_only() -> None:
    assert trace_id_of("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01") == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert trace_id_of("00-00000000000000000000000000000000-00f067aa0ba902b7-01") is None
    assert trace_id_of("garbage") is None and trace_id_of(None) is None


def test_queries_are_receipt_numbers_or_ids() -> None:
    assert normalise_query("  WBA-20250101-ABCDEFGH ") == "WBA-20250101-ABCDEFGH"
    for bad in ("", "<script>", "a b", "x" * 65, "WBA/../x"):
        with pytest.raises(InvalidQuery):
            normalise_query(bad)


def _series(accepted: list[int], completed: list[int], p95: list[float | None]) -> Series:
    scope = Scope(hours=24, now=datetime(2025, 3, 1, 12, tzinfo=UTC))
    buckets = [
        Bucket(
            start=scope.since + timedelta(hours=i),
            accepted=accepted[i],
            completed=completed[i],
            latency_p50_s=None if p95[i] is None else p95[i] / 2,  # type: ignore[operator]
            latency_p95_s=p95[i],
        )
        for i in range(BUCKETS)
    ]
    return Series(scope=scope, bucket_seconds=3600, buckets=buckets)


def test_charts_are_wellformed_labelled_svg_with_one_mark_per_value() -> None:
    accepted = [0] * 20 + [3, 0, 7, 1]
    completed = [0] * 20 + [2, 0, 6, 0]
    p95: list[float | None] = [None] * 20 + [12.0, None, 30.0, None]
    series = _series(accepted, completed, p95)

    throughput = ET.fromstring(throughput_chart(series))
    assert throughput.get("role") == "img" and throughput.get("aria-labelledby")
    assert "eingegangen insgesamt 11, abgeschlossen insgesamt 8" in throughput.findtext(f"{SVG}desc", "")
    bars = [r for r in throughput.iter(f"{SVG}rect") if float(r.get("height", 0)) > 0 and r.get("y") != "6"]
    assert len(bars) == 1 + 5  # background + one bar per non-zero value (legend swatches excluded)

    latency = ET.fromstring(latency_chart(series, target_s=60))
    points = list(latency.iter(f"{SVG}circle"))
    assert len(points) == 4  # p50 and p95 of the two buckets with completions
    lines = list(latency.iter(f"{SVG}polyline"))
    assert len(lines) == 4  # each series is broken where a bucket has no completions
    assert "Ziel (SLO) p95 höchstens 1 min." in latency.findtext(f"{SVG}desc", "")

    empty = ET.fromstring(latency_chart(_series([0] * 24, [0] * 24, [None] * 24)))
    assert not list(empty.iter(f"{SVG}circle"))


def test_durations_read_short() -> None:
    assert [duration(s) for s in (None, 0.25, 4.5, 42, 60, 423, 3600, 7380, 3 * 86400 + 3600)] == [
        "–",
        "250 ms",
        "4,5 s",
        "42 s",
        "1 min",
        "7 min 3 s",
        "1 h",
        "2 h 3 min",
        "3 d 1 h",
    ]


def test_axes_end_on_round_numbers() -> None:
    assert [nice_ceiling(v) for v in (0, 0.3, 1, 7, 11, 180, 2500)] == [1, 0.5, 1, 10, 20, 200, 5000]
    assert [axis_top(v) for v in (4, 30, 50, 101)] == [4, 40, 80, 200]  # gridlines every 1, 10, 20, 50
    assert [time_axis_top(s) for s in (1, 90, 130, 3000, 5 * 86400)] == [1, 120, 240, 3600, 8 * 86400]

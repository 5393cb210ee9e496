"""Micro-benchmark of the encryption overhead, as ratios (no test: timings are never asserted).

``.venv/bin/python -m tests.crypto.overhead`` prints
- sealing and opening a WBA's form data (JSON + AES-256-GCM + synthetic nonce) vs JSON alone, per value;
- writing and reading back submissions through the ORM on SQLite with the keyring vs without;
- sealing and opening a 200 KiB PDF vs copying it.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from connectors.sdk.registry import ConnectorRegistry
from services.crypto.envelope import DataKey
from services.crypto.keyring import Keyring
from services.crypto.master import MasterKeys
from services.demo.seed import seed_demo_data
from services.store.db import Database
from services.store.migrate import upgrade
from services.store.models import Submission


def best_of(runs: int, fn: Callable[[], None]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def values(form: dict, n: int = 2000) -> tuple[float, float]:
    key = DataKey.from_raw("jc-berlin-mitte", 1, os.urandom(32))

    def plain() -> None:
        for _ in range(n):
            json.loads(json.dumps(form, sort_keys=True, separators=(",", ":")))

    def sealed() -> None:
        for i in range(n):
            ctx = f"db:submissions.form_data:{i}"
            json.loads(key.open(key.seal(json.dumps(form, sort_keys=True, separators=(",", ":")).encode(), ctx), ctx))

    return best_of(5, plain), best_of(5, sealed)


def documents(size: int = 200 * 1024, n: int = 200) -> tuple[float, float]:
    key = DataKey.from_raw("jc-berlin-mitte", 1, os.urandom(32))
    pdf = os.urandom(size)

    def plain() -> None:
        for _ in range(n):
            bytes(bytearray(pdf))

    def sealed() -> None:
        for i in range(n):
            key.open(key.seal(pdf, f"efile:k/{i}"), f"efile:k/{i}")

    return best_of(3, plain), best_of(3, sealed)


def orm(form: dict, workdir: Path, n: int = 300) -> tuple[float, float]:
    results = []
    for keyring in (None, Keyring(MasterKeys({"m": os.urandom(32)}, "m"))):
        url = f"sqlite:///{workdir / f'{uuid.uuid4().hex}.db'}"
        upgrade(url)
        db = Database(url, keyring=keyring)
        with db.session() as session:
            seed_demo_data(session)

        def write_and_read(db: Database = db) -> None:
            ids = []
            with db.session() as session:
                for _ in range(n):
                    sid = str(uuid.uuid4())
                    ids.append(sid)
                    session.add(
                        Submission(
                            id=sid,
                            receipt_number=sid,
                            service="wba",
                            service_version="1",
                            customer_id="kd-1001",
                            status="accepted",
                            form_data=form,
                            request_hash="h",
                            jobcenter_id="jc-berlin-mitte",
                        )  # fmt: skip
                    )
            with db.session() as session:
                assert len(list(session.scalars(select(Submission).where(Submission.id.in_(ids))))) == n

        results.append(best_of(3, write_and_read))
        db.dispose()
    return results[0], results[1]


def main() -> None:
    form = ConnectorRegistry.from_entry_points().get("wba").examples()[1]
    with tempfile.TemporaryDirectory() as tmp:
        rows = orm(form, Path(tmp))
    for label, (plain, sealed) in {
        "form data, JSON vs JSON + seal + open": values(form),
        "200 KiB document, copy vs seal + open": documents(),
        "ORM write + read of 300 submissions (SQLite)": rows,
    }.items():
        ratio = sealed / plain
        print(f"{label:<48} plain {plain * 1000:8.1f} ms  encrypted {sealed * 1000:8.1f} ms  ratio {ratio:5.2f}")


if __name__ == "__main__":
    main()

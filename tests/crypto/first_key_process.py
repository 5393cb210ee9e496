"""One process of tests/crypto/test_concurrency.py: store Leipzig's first sealed data when told to.

``python -m tests.crypto.first_key_process URL MASTER_KEY_BASE64 GO_FILE`` prints ``ready``, waits for
GO_FILE to exist, stores a Postfach message (creating Leipzig's first data key if nobody has yet), and prints
the message id and a probe sealed with the key it used. Imports only what a worker needs: quick to start.
"""

from __future__ import annotations

import base64
import os
import sys
import time
import uuid
from pathlib import Path

from services.crypto.keyring import Keyring
from services.crypto.master import MasterKeys
from services.store.db import Database
from services.store.models import MailboxMessage


def main(url: str, master_key: str, go_file: str) -> None:
    db = Database(url, keyring=Keyring(MasterKeys({"m1": base64.b64decode(master_key)}, "m1")))
    with db.engine.connect():
        pass  # connected before the start signal, so the processes race on the key and not on connecting
    mid = str(uuid.uuid4())
    message = MailboxMessage(
        id=mid, customer_id="kd-1001", jobcenter_id="jc-leipzig", dedup_key=mid, kind="note", subject="s",
        body=f"Nachricht aus Prozess {os.getpid()}",
    )  # fmt: skip
    print("ready", flush=True)
    deadline = time.monotonic() + 60
    while not Path(go_file).exists():
        if time.monotonic() > deadline:
            raise SystemExit("no start signal")
        time.sleep(0.005)
    with db.session() as session:
        session.add(message)
    probe = db.keyring.active_key("jc-leipzig").seal(b"probe", "ctx")  # type: ignore[union-attr]
    print(mid, probe.hex(), flush=True)
    db.dispose()


if __name__ == "__main__":
    main(*sys.argv[1:4])

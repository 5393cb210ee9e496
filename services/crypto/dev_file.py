"""Development key files: a secret made once in the data folder and shared by every process that uses it.

Why one helper: processes started together (portal and workers under ``ozgflow up``, tests in threads) must
end up with the same key, never with one each. The file is written under a temporary name, mode 0600 from
the start, and linked into place (``os.link`` is atomic and fails if the name exists): the first writer wins
and everybody reads its bytes. Every key kept in the data folder in development should come through here.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from pathlib import Path


def read_or_create(path: Path, make: Callable[[], bytes]) -> bytes:
    """The bytes stored at ``path``; if there are none yet, ``make()``'s — or those of a process that won the race."""
    if path.exists():
        return path.read_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
        out.write(make())  # readable by the owner only from the first byte
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass  # another process was first: its key counts
    finally:
        tmp.unlink()
    return path.read_bytes()

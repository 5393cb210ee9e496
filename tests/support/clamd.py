"""A real clamd for the upload tests, offline: Debian's clamav-daemon with a one-line EICAR signature.

freshclam cannot download the signature database here (and clamd refuses to start without any), so the
database is one ``.ndb`` line that finds the 68-byte EICAR test string anywhere in the data. Production
points clamd at the folder freshclam keeps current; the protocol and the verdicts are the same.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from services.efile.malware import ClamdScanner

CLAMD = Path("/usr/sbin/clamd")
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
SIGNATURE = "Test.EICAR.NDB"
"""clamd reports it as ``Test.EICAR.NDB.UNOFFICIAL`` (a signature not from ClamAV's own database)."""


class Clamd:
    """One clamd process on a unix socket in its own short temporary folder (socket paths max. 107 bytes)."""

    def __init__(self) -> None:
        if not CLAMD.exists():
            pytest.skip(f"{CLAMD} is missing: install Debian's clamav-daemon (`make test` does when run as root)")
        self.folder = Path(tempfile.mkdtemp(prefix="clamd-", dir="/tmp"))
        self.socket = self.folder / "clamd.sock"
        self.log = self.folder / "clamd.log"
        self.process: subprocess.Popen[bytes] | None = None
        (self.folder / "db").mkdir()
        (self.folder / "db" / "eicar.ndb").write_text(f"{SIGNATURE}:0:*:{EICAR.hex()}\n")
        (self.folder / "clamd.conf").write_text(
            f"Foreground yes\nDatabaseDirectory {self.folder / 'db'}\nLocalSocket {self.socket}\nLogFile {self.log}\n"
        )

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    def start(self, timeout: float = 30.0) -> Clamd:
        self.process = subprocess.Popen(
            [str(CLAMD), f"--config-file={self.folder / 'clamd.conf'}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        scanner = ClamdScanner(self.url, timeout_seconds=2.0)
        deadline = time.monotonic() + timeout
        while not scanner.ping():
            if self.process.poll() is not None or time.monotonic() > deadline:
                log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else "(no log)"
                self.stop()
                pytest.fail(f"clamd did not start (exit code {self.process.poll()}):\n{log}")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


class SilentServer:
    """A unix socket that accepts connections and never answers: a hung clamd, for the timeout path."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="mute-", dir="/tmp"))
        self.path = self.folder / "mute.sock"
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(str(self.path))
        self.listener.listen(16)

    @property
    def url(self) -> str:
        return f"unix://{self.path}"

    def close(self) -> None:
        self.listener.close()
        shutil.rmtree(self.folder, ignore_errors=True)

"""The ZIP variant of the data export: ``export.json`` plus the bytes of every document and filed PDF.

Bounded in memory: documents are read one at a time (each at most the upload limit) and written into a
spooled temporary file that moves to disk once it outgrows ``spool_bytes``; the response then streams that
file. A document whose object is missing or fails its checksum is listed with ``file_problem`` instead of
failing the whole export (the customer still gets everything else); an unreachable store fails it
(``EFileStoreError``: try again later).
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterator
from typing import IO, Any

from services.efile.store import EFileIntegrityError, EFileStore
from services.efile.uploads import safe_filename
from services.privacy.export import to_json

CHUNK = 64 * 1024


def _read(efile: EFileStore, key: str) -> tuple[bytes | None, str | None]:
    try:
        return efile.get(key), None
    except KeyError:
        return None, "missing"
    except EFileIntegrityError:
        return None, "damaged"


def write_zip(
    export: dict[str, Any],
    efile: EFileStore,
    *,
    document_keys: dict[str, str],
    pdf_keys: dict[str, str],
    spool_bytes: int,
) -> IO[bytes]:
    """The archive in a temporary file positioned at its start; ``export`` gains the ``file`` entries.

    ``document_keys``/``pdf_keys``: e-file keys by document id and by submission id (the filed PDF)."""
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=spool_bytes)  # noqa: SIM115 - returned open
    try:
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for doc in export["documents"]:
                data, problem = _read(efile, document_keys[doc["id"]])
                doc["file"], doc["file_problem"] = None, problem
                if data is not None:
                    doc["file"] = f"documents/{doc['id']}-{safe_filename(doc['filename'], doc['media_type'])}"
                    archive.writestr(doc["file"], data, compress_type=zipfile.ZIP_STORED)
            for sub in export["submissions"]:
                sub["efile_pdf"] = None
                key = pdf_keys.get(sub["id"])
                data = _read(efile, key)[0] if key else None
                if key and data is not None:
                    sub["efile_pdf"] = f"submissions/{sub['receipt_number']}/{key.rsplit('/', 1)[-1]}"
                    archive.writestr(sub["efile_pdf"], data, compress_type=zipfile.ZIP_STORED)
            archive.writestr("export.json", to_json(export).encode())
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool


def size_of(spool: IO[bytes]) -> int:
    spool.seek(0, 2)
    size = spool.tell()
    spool.seek(0)
    return size


def chunks(spool: IO[bytes]) -> Iterator[bytes]:
    """Stream the archive and close (delete) it afterwards, also when the client goes away."""
    try:
        while chunk := spool.read(CHUNK):
            yield chunk
    finally:
        spool.close()

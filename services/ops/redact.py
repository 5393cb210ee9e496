"""What of a stored text may reach an operator page.

Failure reasons on submissions and outbox entries were made safe by the pipeline (services/pipeline/errors.py),
but the stage ledger keeps the raw ``Type: message`` of every error, and e-file references carry the BG number
in their key. So: BG numbers are masked everywhere, and a ledger error is shown in full only when its type is
one whose messages are safe by contract (``SafeStageError`` and ``EFileStoreError`` families); otherwise only
its type is shown, as in Prefect.
"""

from __future__ import annotations

import re

import services.pipeline.assembly  # noqa: F401 - imports every built-in stage, so their error types are known
from services.efile.store import EFileStoreError
from services.pipeline.errors import SafeStageError

BG_NUMBER = re.compile(r"\d{5}\s*BG\s*\d{7}", re.IGNORECASE)
_TYPE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
MASK = "[BG-Nr.]"


def mask(text: str | None) -> str | None:
    """The text with every BG number replaced (defence in depth: ids may embed them, e.g. e-file keys)."""
    return None if text is None else BG_NUMBER.sub(MASK, text)


def _subclass_names(root: type[BaseException]) -> set[str]:
    names, todo = set(), [root]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return names


def safe_error_types() -> frozenset[str]:
    """Names of exception types whose messages hold ids and technical facts only (read at call time, so
    connectors' own ``SafeStageError`` subclasses count once they are loaded)."""
    return frozenset(_subclass_names(SafeStageError) | _subclass_names(EFileStoreError))


def safe_stage_error(error: str | None) -> str | None:
    """A stage ledger error as an operator may see it."""
    if not error:
        return None
    type_name, separator, _message = error.partition(": ")
    if not _TYPE_NAME.fullmatch(type_name):
        return "Fehler (Details im Stage-Ledger)"
    if separator and type_name in safe_error_types():
        return mask(error)
    return f"{type_name} (Details im Stage-Ledger)"

"""How stage failures are classified. Messages of these errors contain ids and technical facts
only, never form content, so they are safe to show in the orchestration layer."""

from __future__ import annotations


class SafeStageError(Exception):
    """A failure whose message may be shown in Prefect (no personal data)."""

    def __init__(self, message: str, *, tries: int = 1) -> None:
        super().__init__(message)
        self.tries = tries  # tries made inside this attempt (e.g. HTTP tries of a hand-over)


class PermanentStageError(SafeStageError):
    """Retrying cannot help (bad data, rejected by the back-office system); fail the submission."""


class StoredFormInvalid(PermanentStageError):
    """The stored form no longer validates against the connector (e.g. after an incompatible update)."""


def safe_message(exc: BaseException) -> str:
    """What may leave our database: our own safe messages, otherwise only the error's type."""
    if isinstance(exc, SafeStageError):
        return f"{type(exc).__name__}: {exc}"
    return f"{type(exc).__name__} (details in the stage ledger)"


class StageFailure:
    """A failed attempt as the runner needs it: a safe reason and whether retrying can help."""

    __slots__ = ("permanent", "reason")

    def __init__(self, reason: str, *, permanent: bool) -> None:
        self.reason = reason
        self.permanent = permanent

    @classmethod
    def from_exception(cls, exc: BaseException) -> StageFailure:
        return cls(safe_message(exc), permanent=isinstance(exc, PermanentStageError))

    def __repr__(self) -> str:
        return f"StageFailure({self.reason!r}, permanent={self.permanent})"

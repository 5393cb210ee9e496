"""The one error type of the Postfach: the portal's routes turn it into an ApiError of the same shape."""

from __future__ import annotations


class MailboxError(Exception):
    """Why a Postfach action cannot be done: HTTP ``status``, machine ``code``, German ``message``."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

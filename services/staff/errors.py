"""The one error the staff workspace raises; the portal turns it into its JSON error shape or a page."""

from __future__ import annotations


class StaffError(Exception):
    """Why a staff action cannot be done: HTTP-like ``status``, machine ``code``, German ``message``."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def submission_not_found() -> StaffError:
    return StaffError(404, "submission_not_found", "Diese Einreichung gibt es in Ihrem Jobcenter nicht.")


def thread_not_found() -> StaffError:
    return StaffError(404, "thread_not_found", "Diese Unterhaltung gibt es in Ihrem Jobcenter nicht.")


def document_not_found() -> StaffError:
    return StaffError(404, "document_not_found", "Dieses Dokument gibt es in Ihrem Jobcenter nicht.")

"""The upload checker as a FastAPI dependency: size limit, content checks and, when configured, clamd.

Built from the settings for each request — it holds no connection (each scan opens its own), so building
it is as cheap as reading two settings, and tests can point one app at a real clamd and another at none.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from services.efile.malware import ClamdScanner
from services.efile.uploads import UploadChecker
from services.portal.deps import SettingsDep
from services.settings import Settings


def upload_checker(settings: Settings) -> UploadChecker:
    """Every upload path uses this one checker: the same limit, the same checks, the same scanner."""
    scanner = (
        ClamdScanner(settings.clamd_url, timeout_seconds=settings.malware_scan_timeout_seconds)
        if settings.clamd_url
        else None
    )
    return UploadChecker(max_bytes=settings.upload_max_bytes, scanner=scanner)


def get_upload_checker(settings: SettingsDep) -> UploadChecker:
    return upload_checker(settings)


UploadCheckerDep = Annotated[UploadChecker, Depends(get_upload_checker)]

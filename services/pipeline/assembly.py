"""Wiring: builds the pipeline's collaborators from settings in one place."""

from __future__ import annotations

from connectors.sdk.registry import ConnectorRegistry
from services.efile.encrypted import efile_store_from_settings
from services.efile.stage import EFileStage
from services.efile.store import EFileStore
from services.intake.stage import IntakeStage
from services.mailbox.stage import MailboxStage
from services.pipeline.runner import PipelineRunner
from services.pipeline.stages import STAGE_ORDER
from services.settings import Settings
from services.store.db import Database
from services.telemetry import Telemetry
from services.transfer.backoff import Backoff
from services.transfer.client import SpecialistSystemClient
from services.transfer.stage import TransferStage


def specialist_system_clients(
    settings: Settings, *, telemetry: Telemetry | None = None
) -> dict[str, SpecialistSystemClient]:
    """Back-office systems by the name connectors use in ``handover_system``; each try a span of ``telemetry``."""
    return {
        "allegro": SpecialistSystemClient.from_settings(settings, telemetry=telemetry),
        "verbis": SpecialistSystemClient.from_settings(
            settings, base_url=settings.resolved_verbis_url, system_name="VerBIS", telemetry=telemetry
        ),
    }


def build_runner(
    settings: Settings,
    *,
    db: Database,
    registry: ConnectorRegistry,
    efile_store: EFileStore | None = None,
    clients: dict[str, SpecialistSystemClient] | None = None,
    telemetry: Telemetry | None = None,
) -> PipelineRunner:
    store = efile_store or efile_store_from_settings(settings, keyring=db.keyring)
    stages = [
        IntakeStage(db),
        EFileStage(store),
        TransferStage(clients if clients is not None else specialist_system_clients(settings, telemetry=telemetry)),
        MailboxStage(),
    ]
    assert tuple(s.name for s in stages) == STAGE_ORDER
    return PipelineRunner(
        db=db,
        registry=registry,
        stages=stages,
        max_attempts=settings.max_attempts,
        retry_backoff=Backoff(settings.retry_backoff_base_seconds, settings.retry_backoff_cap_seconds),
    )

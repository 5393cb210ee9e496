"""OpenTelemetry for ozgflow: one trace per submission, pipeline metrics, nothing personal (docs/telemetry.md)."""

from services.telemetry.setup import Telemetry, disabled_telemetry, telemetry_from_settings

__all__ = ["Telemetry", "disabled_telemetry", "telemetry_from_settings"]

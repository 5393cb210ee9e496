"""One settings object for the whole platform.

Every component receives a ``Settings`` instance explicitly (constructor argument or FastAPI
dependency) instead of importing a global, so tests and the CLI can run several differently
configured components in one process.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_INBOUND_API_KEYS = {"verbis": "dev-verbis-key"}
"""Development keys of the systems that push to the inbound API; refused in production."""


class Settings(BaseSettings):
    """Configuration read from ``OZGFLOW_*`` environment variables (and an optional ``.env``)."""

    model_config = SettingsConfigDict(env_prefix="OZGFLOW_", env_file=".env", extra="ignore")

    environment: Literal["development", "production"] = Field(
        default="development",
        description="'development' enables the embedded token issuer and the /api/v1/dev endpoints.",
    )
    data_dir: Path = Field(default=Path(".ozgflow"), description="Project-local folder for embedded data.")

    # Database and e-file store: embedded defaults are derived from data_dir when left empty.
    database_url: str = Field(default="", description="SQLAlchemy URL; default SQLite in data_dir.")
    efile_url: str = Field(
        default="",
        repr=False,  # an s3:// URL may carry the secret key
        description="file:///path (default: data_dir/efile) or s3://ACCESS:SECRET@host:port/bucket?... (docs/efile.md)",
    )

    # Network layout of `ozgflow up`.
    host: str = "127.0.0.1"
    portal_port: int = 8000
    prefect_port: int = 4200
    prefect_database_url: str = Field(
        default="",
        repr=False,
        description="Database of the Prefect server started by `ozgflow up` (default: SQLite in data_dir/prefect); "
        "postgresql://… URLs are used with Prefect's asyncpg driver.",
    )
    workers: int = Field(default=1, ge=1, le=32, description="Pipeline worker processes started by `ozgflow up`.")
    simulator_port: int = 8100
    public_url: str = Field(default="", description="Base URL clients use to reach the portal.")
    prefect_url: str = Field(
        default="",
        description="Prefect API the platform uses when Prefect runs elsewhere (default: the server `ozgflow up` "
        "starts, http://HOST:PREFECT_PORT/api); workers use it unless PREFECT_API_URL is set.",
    )
    prefect_ui_url: str = Field(default="", description="Base URL of the Prefect UI operators open (default: local).")

    # Authentication (OIDC-ready: production sets issuer, audience and jwks_url).
    auth_issuer: str = "http://127.0.0.1:8000/dev-issuer"
    auth_audience: str = "ozgflow-portal"
    auth_jwks_url: str = Field(default="", description="JWKS of the OIDC issuer; required in production.")
    dev_token_ttl_seconds: int = 8 * 3600

    # Back-office system (benefits, ALLEGRO-like) hand-over.
    allegro_url: str = Field(default="", description="Base URL of the benefits back-office system.")
    # Back-office system (placement, VerBIS-like): hand-over of answers, and its push of offers to us.
    verbis_url: str = Field(default="", description="Base URL of the placement back-office system.")
    inbound_api_keys: dict[str, str] = Field(
        default_factory=lambda: dict(DEV_INBOUND_API_KEYS),
        description='API key per system that pushes inbound items, JSON like {"verbis": "..."}; set in production.',
    )
    simulator_push_url: str = Field(
        default="", description="Where the VerBIS simulator pushes offers (default: the portal's inbound API)."
    )
    inbound_deadline_interval_seconds: float = Field(
        default=60.0, gt=0, description="How often a worker sends reminders and expires unanswered inbound items."
    )
    transfer_timeout_seconds: float = 10.0
    transfer_max_tries: int = Field(default=4, ge=1, description="HTTP tries within one stage attempt.")
    transfer_backoff_base_seconds: float = 0.5
    transfer_backoff_cap_seconds: float = 8.0

    # OZG roadmap and rollout gates (docs/roadmap.md).
    roadmap_path: Path | None = Field(default=None, description="roadmap.yaml to use (default: the packaged one).")
    rollout_default_unlisted: Literal["live", "off"] | None = Field(
        default=None,
        description="Rollout state of installed services that roadmap.yaml does not list "
        "(default: live in development so a freshly scaffolded connector works, off in production).",
    )

    # Postfach: notification e-mails ("a new message is waiting", never the content) and attachments.
    smtp_host: str = Field(
        default="", description="SMTP server for notifications (default: the sink `ozgflow up` starts)."
    )
    smtp_port: int = Field(default=8025, description="SMTP port (the development sink listens here).")
    smtp_username: str = ""
    smtp_password: str = Field(default="", repr=False)
    smtp_starttls: bool = False
    mail_sender: str = Field(default="postfach@ozgflow.invalid", description="From address of notification e-mails.")
    notification_max_attempts: int = Field(default=8, ge=1, description="SMTP tries before a notification is given up.")
    request_max_bytes: int = Field(
        default=12 * 1024 * 1024,
        ge=64 * 1024,
        description="Largest request body the portal reads at all (above it: 413); keep it above upload_max_bytes.",
    )
    upload_max_bytes: int = Field(
        default=10 * 1024 * 1024, ge=1024, description="Largest accepted upload (attachments, scans)."
    )

    # --- Security (issue 8). Each block below belongs to one part; add that part's settings in its block. ---
    secret_key: str = Field(
        default="",
        repr=False,
        description="Secret for CSRF tokens and other MACs the portal issues (default in development: a random key "
        "kept in data_dir); required in production.",
    )

    # Security: sign-in (OIDC) and trust levels.

    # Security: endpoint x role table and abuse limits.

    # Security: signed receipts.

    # Security: audit log.

    # Security: encryption at rest.

    # Security: uploads (active content, malware scan).

    # Security: data-subject rights and retention.

    # Telemetry (OpenTelemetry): traces and metrics carry ids, services and jobcenters only.
    otel_exporter: Literal["none", "console", "otlp", "memory"] = Field(
        default="none",
        description="Where spans and metrics go: none, console, otlp (see otel_endpoint) or memory (tests).",
    )
    otel_endpoint: str = Field(default="", description="OTLP/HTTP endpoint, e.g. http://otel-collector:4318.")
    otel_service_name: str = Field(
        default="ozgflow",
        description="Prefix of service.name (<name>-portal, -worker, -simulator); also service.namespace.",
    )

    # Pipeline workers.
    worker_batch_size: int = Field(default=20, ge=1)
    worker_concurrency: int = Field(default=8, ge=1, description="Submissions processed at once in a batch.")
    worker_poll_seconds: float = Field(default=0.5, gt=0)
    lease_seconds: float = Field(default=60.0, gt=0)
    max_attempts: int = Field(default=5, ge=1, description="Pipeline attempts before a submission fails.")
    retry_backoff_base_seconds: float = 2.0
    retry_backoff_cap_seconds: float = 300.0

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Settings:
        if self.environment == "production":
            if not self.auth_jwks_url:
                raise ValueError("OZGFLOW_AUTH_JWKS_URL must be set in production (the OIDC issuer's JWKS).")
            if not self.database_url:
                raise ValueError("OZGFLOW_DATABASE_URL must be set in production.")
            dev_keys = set(DEV_INBOUND_API_KEYS.values())
            if not self.inbound_api_keys or any(
                key in dev_keys or len(key) < 16 for key in self.inbound_api_keys.values()
            ):
                raise ValueError(
                    "OZGFLOW_INBOUND_API_KEYS must be set in production to the pushing systems' own keys "
                    '(at least 16 characters each), e.g. {"verbis": "..."}.'
                )
            if self.rollout_default_unlisted == "live":
                raise ValueError(
                    "OZGFLOW_ROLLOUT_DEFAULT_UNLISTED=live is refused in production: add the service to roadmap.yaml "
                    "and promote it after its load test."
                )
        return self

    @property
    def resolved_rollout_default_unlisted(self) -> str:
        return self.rollout_default_unlisted or ("live" if self.dev_mode else "off")

    @property
    def dev_mode(self) -> bool:
        return self.environment == "development"

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'ozgflow.db').resolve()}"

    @property
    def resolved_efile_url(self) -> str:
        return self.efile_url or f"file://{(self.data_dir / 'efile').resolve()}"

    @property
    def resolved_allegro_url(self) -> str:
        return self.allegro_url or f"http://{self.host}:{self.simulator_port}"

    @property
    def resolved_verbis_url(self) -> str:
        return self.verbis_url or f"http://{self.host}:{self.simulator_port}/verbis"

    @property
    def resolved_simulator_push_url(self) -> str:
        return self.simulator_push_url or f"{self.resolved_public_url}/api/v1/inbound/placement"

    @property
    def resolved_smtp_host(self) -> str:
        return self.smtp_host or self.host

    @property
    def resolved_public_url(self) -> str:
        return self.public_url or f"http://{self.host}:{self.portal_port}"

    @property
    def resolved_prefect_database_url(self) -> str | None:
        """Prefect's server needs an async driver; accept the URL forms operators already use."""
        url = self.prefect_database_url
        if not url:
            return None
        for prefix in ("postgresql+psycopg://", "postgresql+psycopg2://", "postgresql://", "postgres://"):
            if url.startswith(prefix):
                return "postgresql+asyncpg://" + url.removeprefix(prefix)
        return url

    @property
    def prefect_api_url(self) -> str:
        return self.prefect_url or f"http://{self.host}:{self.prefect_port}/api"

    @property
    def resolved_prefect_ui_url(self) -> str:
        """Base of links into the Prefect UI (flow dashboard) from the operator pages."""
        return self.prefect_ui_url or f"http://{self.host}:{self.prefect_port}"

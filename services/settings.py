"""One settings object for the whole platform.

Every component receives a ``Settings`` instance explicitly (constructor argument or FastAPI
dependency) instead of importing a global, so tests and the CLI can run several differently
configured components in one process.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from urllib.parse import parse_qs, urlparse

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_INBOUND_API_KEYS = {"verbis": "dev-verbis-key"}
"""Development keys of the systems that push to the inbound API; refused in production."""


class Settings(BaseSettings):
    """Configuration read from ``OZGFLOW_*`` environment variables (and an optional ``.env``)."""

    model_config = SettingsConfigDict(
        env_prefix="OZGFLOW_",
        env_file=".env",
        extra="ignore",
        hide_input_in_errors=True,  # a validation message must not repeat secrets (keys, passwords in URLs)
    )

    environment: Literal["development", "production"] = Field(
        default="development",
        description="'development' enables the embedded token issuer and the /api/v1/dev endpoints.",
    )
    data_dir: Path = Field(default=Path(".ozgflow"), description="Project-local folder for embedded data.")

    # Database and e-file store: embedded defaults are derived from data_dir when left empty.
    database_url: str = Field(
        default="",
        repr=False,
        description="SQLAlchemy URL; default SQLite in data_dir.",  # may carry a password
    )
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
        repr=False,
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
    # Customers sign in at auth_issuer (BundID/DeutschlandID via an OIDC broker), staff and operators at
    # staff_auth_issuer (the organisation's IdP); each staff_* setting left empty means "as the customers'".
    staff_auth_issuer: str = Field(default="", description="OIDC issuer of staff and operators (default: auth_issuer).")
    staff_auth_audience: str = Field(default="", description="Audience of staff tokens (default: auth_audience).")
    staff_auth_jwks_url: str = Field(
        default="", description="JWKS of the staff issuer (default: auth_jwks_url); required for a separate issuer."
    )
    auth_client_id: str = Field(default="ozgflow-portal", description="The portal's OIDC client id at auth_issuer.")
    auth_client_secret: str = Field(
        default="", repr=False, description="Client secret at auth_issuer (empty: a public client with PKCE only)."
    )
    staff_auth_client_id: str = Field(
        default="", description="Client id at the staff issuer (default: auth_client_id)."
    )
    staff_auth_client_secret: str = Field(
        default="", repr=False, description="Client secret at the staff issuer (default: auth_client_secret)."
    )
    auth_trust_level_claim: str = Field(
        default="acr",
        description="Token claim with the sign-in's trust level (eIDAS LoA URI, low/substantial/high or "
        "STORK-QAA-Level-1..4); missing or unknown counts as low.",
    )
    auth_jwks_max_age_seconds: float = Field(
        default=600.0, gt=0, description="How long a fetched JWKS is used before it is fetched again."
    )
    auth_jwks_min_refetch_seconds: float = Field(
        default=30.0,
        ge=0,
        description="At most one JWKS fetch per this interval for tokens naming an unknown key id.",
    )

    # Security: endpoint x role table and abuse limits.
    rate_limit_storage_url: str = Field(
        default="memory://",
        repr=False,  # a redis:// URL may carry a password
        description="Where rate-limit counters live: memory:// (one portal process) or redis://[:PASSWORD@]HOST:6379/N "
        "(shared by several portal replicas).",
    )
    rate_limit_key_prefix: str = Field(
        default="ozgflow-rl", description="Prefix of the counters' keys (several installations on one Redis)."
    )
    rate_limit_submissions_per_customer: str = Field(
        default="20/minute;200/day",
        description="Submissions, drafts, Postfach messages and paper intakes per signed-in person (limits "
        "notation, ';' separates several; empty: no limit).",
    )
    rate_limit_submissions_per_address: str = Field(
        default="300/minute", description="The same requests per client address (empty: no limit)."
    )
    rate_limit_logins_per_address: str = Field(
        default="60/minute", description="Sign-in requests per client address (empty: no limit)."
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description='Reverse proxies (addresses or CIDR, JSON list like ["10.0.0.0/8"]) whose X-Forwarded-For '
        "names the client address; empty: the peer address is the client.",
    )

    # Security: signed receipts.
    receipt_signing_key: str = Field(
        default="",
        repr=False,
        description="Ed25519 private key that signs receipts: PEM (PKCS#8) or the base64 of its raw 32 bytes "
        "(default in development: a key generated once in data_dir); required in production.",
    )
    receipt_previous_public_keys: list[str] = Field(
        default_factory=list,
        description="Public halves of earlier receipt keys (PEM or base64 raw 32 bytes), as a JSON list: still "
        "published so old receipts verify, never used to sign (key rotation, docs/security.md).",
    )

    # Security: audit log.

    # Security: encryption at rest.
    encryption_master_keys: dict[str, str] = Field(
        default_factory=dict,
        repr=False,
        description='Master keys that wrap the jobcenters\' data keys, JSON like {"2026-1": "<base64 of 32 random '
        'bytes>"}; several during a master key rotation (default in development: a key generated once in '
        "data_dir); required in production.",
    )
    encryption_active_master_key: str = Field(
        default="",
        description="Id of the master key that wraps new and re-wrapped data keys (may be empty with a single key).",
    )
    encryption_key_cache_seconds: float = Field(
        default=60.0,
        ge=0,
        description="How long a process keeps using a jobcenter's active data key before asking again (a rotation "
        "reaches every process within this time).",
    )
    encryption_require_envelopes: bool = Field(
        default=False,
        description="Refuse plaintext records and e-file objects (set once `ozgflow keys reencrypt` sealed the "
        "ones stored before encryption).",
    )

    @model_validator(mode="after")
    def _check_encryption_keys(self) -> Settings:
        from services.crypto.master import decode_master_key

        for key_id, value in self.encryption_master_keys.items():
            decode_master_key(key_id, value)
        active = self.encryption_active_master_key
        if active and active not in self.encryption_master_keys:
            raise ValueError(
                f"OZGFLOW_ENCRYPTION_ACTIVE_MASTER_KEY '{active}' is not in OZGFLOW_ENCRYPTION_MASTER_KEYS."
            )
        if not active and len(self.encryption_master_keys) > 1:
            raise ValueError("OZGFLOW_ENCRYPTION_ACTIVE_MASTER_KEY must name one of the configured master keys.")
        return self

    # Security: uploads (active content, malware scan).
    clamd_url: str = Field(
        default="",
        pattern=r"^$|^unix:///[^?#]+$|^tcp://([^/:?#@\[\]]+|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?/?$",
        description="clamd (ClamAV's daemon) that scans every upload: unix:///run/clamav/clamd.ctl or "
        "tcp://clamav:3310; empty = no malware scan (development only; required in production).",
    )
    malware_scan_timeout_seconds: float = Field(
        default=30.0, gt=0, description="Longest wait for clamd's verdict on one upload; then 503, nothing stored."
    )

    # Security: data-subject rights and retention.
    retention_days: dict[str, int] = Field(
        default_factory=dict,
        description="Retention period in days per record type, overriding the defaults, as JSON like "
        '{"drafts": 14, "audit_log": 1095}; types: drafts, email_notifications, conversations, inbound_items, '
        "submissions, audit_log (docs/security.md).",
    )
    retention_interval_seconds: float = Field(
        default=24 * 3600.0, gt=0, description="How often the maintenance pass deletes what is due (default: daily)."
    )
    retention_batch_size: int = Field(
        default=200, ge=1, le=10_000, description="Records per type deleted in one retention transaction."
    )
    retention_batches_per_pass: int = Field(
        default=20,
        ge=1,
        description="Transactions per maintenance pass; what is left is finished by the next pass, so a large "
        "backlog never stalls a worker's pipeline work for long.",
    )

    @model_validator(mode="after")
    def _check_retention_days(self) -> Settings:
        if not self.retention_days:
            return self
        from services.privacy.retention import DEFAULT_RETENTION_DAYS  # the record types retention knows

        known = set(DEFAULT_RETENTION_DAYS)
        unknown = sorted(set(self.retention_days) - known)
        if unknown:
            raise ValueError(
                f"OZGFLOW_RETENTION_DAYS names unknown record types {unknown}; known: {', '.join(sorted(known))}."
            )
        if any(days < 1 for days in self.retention_days.values()):
            raise ValueError("OZGFLOW_RETENTION_DAYS: every period must be at least 1 day.")
        return self

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
            if not self.receipt_signing_key:
                raise ValueError(
                    "OZGFLOW_RECEIPT_SIGNING_KEY must be set in production (Ed25519 private key, PEM or base64 of the "
                    "raw 32 bytes): receipts are signed with it and verified with its published public key."
                )
            if len(self.secret_key) < 32:
                raise ValueError(
                    "OZGFLOW_SECRET_KEY must be set in production to a random value of at least 32 characters (it "
                    "signs the pages' CSRF tokens), e.g. `openssl rand -base64 48`."
                )
            if self.staff_auth_issuer not in ("", self.auth_issuer) and not self.staff_auth_jwks_url:
                raise ValueError(
                    "OZGFLOW_STAFF_AUTH_JWKS_URL must be set in production when staff sign in at their own issuer "
                    "(OZGFLOW_STAFF_AUTH_ISSUER): staff tokens are verified against that issuer's JWKS."
                )
            if not self.clamd_url:
                raise ValueError(
                    "OZGFLOW_CLAMD_URL must be set in production (unix:///run/clamav/clamd.ctl or tcp://clamav:3310): "
                    "every upload is scanned for malware by clamd before it is stored."
                )
            if not self.encryption_master_keys:
                raise ValueError(
                    "OZGFLOW_ENCRYPTION_MASTER_KEYS must be set in production, JSON like "
                    '{"2026-1": "<`openssl rand -base64 32`>"}: they wrap the data keys that encrypt form data and '
                    "documents at rest."
                )
            if self.efile_url.startswith("s3://") and not parse_qs(urlparse(self.efile_url).query).get("sse"):
                raise ValueError(
                    "OZGFLOW_EFILE_URL: an s3:// e-file store needs server-side encryption in production; add "
                    "sse=s3 (SSE-S3) or sse=kms:<key-id> (SSE-KMS) to the URL's options."
                )
        return self

    @property
    def resolved_rollout_default_unlisted(self) -> str:
        return self.rollout_default_unlisted or ("live" if self.dev_mode else "off")

    @property
    def dev_mode(self) -> bool:
        return self.environment == "development"

    @property
    def resolved_staff_auth_issuer(self) -> str:
        return self.staff_auth_issuer or self.auth_issuer

    @property
    def resolved_staff_auth_audience(self) -> str:
        return self.staff_auth_audience or self.auth_audience

    @property
    def resolved_staff_auth_jwks_url(self) -> str:
        return self.staff_auth_jwks_url or self.auth_jwks_url

    @property
    def resolved_staff_auth_client_id(self) -> str:
        return self.staff_auth_client_id or self.auth_client_id

    @property
    def resolved_staff_auth_client_secret(self) -> str:
        return self.staff_auth_client_secret or self.auth_client_secret

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

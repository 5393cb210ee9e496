"""Configuration of the MinIO/S3 e-file store, parsed from ``OZGFLOW_EFILE_URL``.

One URL (rather than a dozen ``OZGFLOW_EFILE_S3_*`` fields) keeps the switch "filesystem ↔ MinIO"
a single setting, as for the database::

    s3://ACCESS:SECRET@minio.internal:9000/ozgflow-efile?secure=true&region=us-east-1
        &sse=s3|kms:<key-id>&retention_days=3650&retention_mode=GOVERNANCE|COMPLIANCE
        &create_bucket=true&timeout=10

Credentials are percent-encoded in the URL or, when the URL has none, taken from the standard
``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY`` (or ``MINIO_ACCESS_KEY``/``MINIO_SECRET_KEY``)
environment variables, which is how Kubernetes secrets usually arrive. Error messages never echo
the URL, and the secret is excluded from every ``repr``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import parse_qs, unquote, urlparse

_BUCKET = re.compile(r"^(?!\d+\.\d+\.\d+\.\d+$)(?!xn--)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_TRUE, _FALSE = {"true", "1", "yes", "on"}, {"false", "0", "no", "off"}
_OPTIONS = ("secure", "region", "sse", "retention_days", "retention_mode", "create_bucket", "timeout")
_ENV_CREDENTIALS = (("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"), ("MINIO_ACCESS_KEY", "MINIO_SECRET_KEY"))

RetentionMode = Literal["GOVERNANCE", "COMPLIANCE"]


@dataclass(frozen=True)
class S3Config:
    endpoint: str
    """``host:port`` of the S3 API."""
    bucket: str
    access_key: str = field(repr=False)
    secret_key: str = field(repr=False)
    secure: bool = True
    region: str = "us-east-1"
    sse: Literal["s3", "kms"] | None = None
    kms_key_id: str | None = None
    retention_days: int | None = None
    retention_mode: RetentionMode = "GOVERNANCE"
    create_bucket: bool = False
    timeout_seconds: float = 10.0


def _bool(name: str, value: str) -> bool:
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ValueError(f"e-file S3 URL: option {name} must be true or false, not {value!r}")


def _credentials(username: str | None, password: str | None) -> tuple[str, str]:
    if username is not None or password is not None:
        if not username or not password:
            raise ValueError("e-file S3 URL: give both access key and secret key (s3://ACCESS:SECRET@host/bucket)")
        return unquote(username), unquote(password)
    for key_var, secret_var in _ENV_CREDENTIALS:
        if os.environ.get(key_var) and os.environ.get(secret_var):
            return os.environ[key_var], os.environ[secret_var]
    raise ValueError(
        "e-file S3 URL has no credentials: use s3://ACCESS:SECRET@host/bucket or set "
        "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
    )


def _options(query: str) -> dict[str, str]:
    raw = parse_qs(query, keep_blank_values=True, strict_parsing=False)
    unknown = sorted(set(raw) - set(_OPTIONS))
    if unknown:
        raise ValueError(f"e-file S3 URL: unknown option(s) {', '.join(unknown)} (known: {', '.join(_OPTIONS)})")
    repeated = sorted(k for k, v in raw.items() if len(v) > 1)
    if repeated:
        raise ValueError(f"e-file S3 URL: option(s) given twice: {', '.join(repeated)}")
    return {k: v[0] for k, v in raw.items()}


def _sse(value: str | None, secure: bool) -> tuple[Literal["s3", "kms"] | None, str | None]:
    if value is None:
        return None, None
    if value == "s3":
        return "s3", None
    if value.startswith("kms:") and len(value) > 4:
        if not secure:  # AWS refuses SSE-KMS without TLS, and minio's SseKMS declares tls_required
            raise ValueError("e-file S3 URL: sse=kms needs TLS (secure=true)")
        return "kms", value[4:]
    raise ValueError("e-file S3 URL: sse must be 's3' or 'kms:<key-id>' (SSE-C is not supported)")


def _retention(options: dict[str, str]) -> tuple[int | None, RetentionMode]:
    mode = options.get("retention_mode", "GOVERNANCE").upper()
    if mode not in ("GOVERNANCE", "COMPLIANCE"):
        raise ValueError("e-file S3 URL: retention_mode must be GOVERNANCE or COMPLIANCE")
    if "retention_days" not in options:
        if "retention_mode" in options:
            raise ValueError("e-file S3 URL: retention_mode needs retention_days")
        return None, "GOVERNANCE"
    days = options["retention_days"]
    if not days.isdigit() or int(days) < 1:
        raise ValueError("e-file S3 URL: retention_days must be a whole number of days ≥ 1")
    return int(days), mode  # type: ignore[return-value]


def parse_s3_url(url: str) -> S3Config:
    """Parse and check every part; the messages say what to fix without repeating the URL (it holds a secret)."""
    parsed = urlparse(url)
    if parsed.scheme != "s3":
        raise ValueError("e-file S3 URL must start with s3://")
    try:
        host, port = parsed.hostname, parsed.port
    except ValueError:
        raise ValueError("e-file S3 URL: the port must be a number between 0 and 65535") from None
    if not host:
        raise ValueError("e-file S3 URL needs a host: s3://ACCESS:SECRET@host:port/bucket")
    bucket = parsed.path.strip("/")
    if not _BUCKET.fullmatch(bucket) or ".." in bucket:
        raise ValueError(
            "e-file S3 URL needs exactly one bucket as its path, 3–63 characters of a-z, 0-9, '.' and '-' "
            "(s3://host:port/ozgflow-efile)"
        )
    options = _options(parsed.query)
    secure = _bool("secure", options.get("secure", "true"))
    sse, kms_key_id = _sse(options.get("sse"), secure)
    retention_days, retention_mode = _retention(options)
    try:
        timeout = float(options.get("timeout", "10"))
    except ValueError:
        timeout = 0.0
    if not timeout > 0:
        raise ValueError("e-file S3 URL: timeout must be a positive number of seconds")
    access_key, secret_key = _credentials(parsed.username, parsed.password)
    host_part = f"[{host}]" if ":" in host else host
    return S3Config(
        endpoint=f"{host_part}:{port}" if port else host_part,
        bucket=bucket,
        access_key=access_key,
        secret_key=secret_key,
        secure=secure,
        region=options.get("region") or "us-east-1",
        sse=sse,
        kms_key_id=kms_key_id,
        retention_days=retention_days,
        retention_mode=retention_mode,
        create_bucket=_bool("create_bucket", options.get("create_bucket", "false")),
        timeout_seconds=timeout,
    )

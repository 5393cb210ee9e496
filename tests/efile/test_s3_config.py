"""``OZGFLOW_EFILE_URL`` for MinIO/S3: every option parsed, bad URLs refused with a message that says what to
fix and never repeats the secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.efile.s3 import S3EFileStore
from services.efile.s3_config import S3Config, parse_s3_url
from services.efile.store import FilesystemEFileStore, efile_store_from_url
from services.settings import Settings

SECRET = "s3cr%2Ft+key"  # percent-encoded "/" in the URL


def test_every_option_is_parsed() -> None:
    config = parse_s3_url(
        f"s3://minio-user:{SECRET}@minio.internal:9000/ozgflow-efile?secure=false&region=eu-central-1"
        "&sse=s3&retention_days=3650&retention_mode=compliance&create_bucket=true&timeout=2.5"
    )
    assert config == S3Config(
        endpoint="minio.internal:9000",
        bucket="ozgflow-efile",
        access_key="minio-user",
        secret_key="s3cr/t+key",
        secure=False,
        region="eu-central-1",
        sse="s3",
        retention_days=3650,
        retention_mode="COMPLIANCE",
        create_bucket=True,
        timeout_seconds=2.5,
    )


def test_defaults_are_the_safe_production_ones() -> None:
    config = parse_s3_url("s3://user:pw@minio.internal/ozgflow-efile")
    assert (config.endpoint, config.secure, config.region, config.sse) == ("minio.internal", True, "us-east-1", None)
    assert (config.retention_days, config.create_bucket, config.timeout_seconds) == (None, False, 10.0)


def test_sse_kms_takes_a_key_id_over_tls() -> None:
    config = parse_s3_url("s3://user:pw@minio.internal:9000/ozgflow-efile?sse=kms:ozgflow-efile-key")
    assert (config.sse, config.kms_key_id) == ("kms", "ozgflow-efile-key")


def test_retention_mode_defaults_to_governance() -> None:
    assert parse_s3_url("s3://u:p@h/ozgflow-efile?retention_days=7").retention_mode == "GOVERNANCE"


def test_credentials_can_come_from_the_standard_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "env-user")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "env-secret")
    config = parse_s3_url("s3://minio.internal:9000/ozgflow-efile")
    assert (config.access_key, config.secret_key) == ("env-user", "env-secret")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (f"s3://user:{SECRET}@/ozgflow-efile", "needs a host"),
        (f"s3://user:{SECRET}@h:99999/ozgflow-efile", "port"),
        (f"s3://user:{SECRET}@h:9000", "exactly one bucket"),
        (f"s3://user:{SECRET}@h:9000/a/b", "exactly one bucket"),
        (f"s3://user:{SECRET}@h:9000/Ozgflow_Efile", "exactly one bucket"),
        (f"s3://user:{SECRET}@h:9000/ab", "exactly one bucket"),
        (f"s3://user:{SECRET}@h/ozgflow-efile?secure=maybe", "secure must be true or false"),
        (f"s3://user:{SECRET}@h/ozgflow-efile?create_bucket=ja", "create_bucket must be true or false"),
        (f"s3://user:{SECRET}@h/ozgflow-efile?sse=c", "sse must be 's3' or 'kms:<key-id>'"),
        (f"s3://user:{SECRET}@h/ozgflow-efile?sse=kms:", "sse must be 's3' or 'kms:<key-id>'"),
        (f"s3://user:{SECRET}@h/ozgflow-efile?sse=kms:k&secure=false", "sse=kms needs TLS"),
        (f"s3://user:{SECRET}@h/ozgflow-efile?retention_days=0", "retention_days must be a whole number"),
        (f"s3://user:{SECRET}@h/ozgflow-efile?retention_days=1.5", "retention_days must be a whole number"),
        (f"s3://user:{SECRET}@h/ozgflow-efile?retention_days=1&retention_mode=forever", "GOVERNANCE or COMPLIANCE"),
        (f"s3://user:{SECRET}@h/ozgflow-efile?retention_mode=COMPLIANCE", "retention_mode needs retention_days"),
        (f"s3://user:{SECRET}@h/ozgflow-efile?timeout=-1", "timeout must be a positive number"),
        (f"s3://user:{SECRET}@h/ozgflow-efile?timeout=soon", "timeout must be a positive number"),
        (f"s3://user:{SECRET}@h/ozgflow-efile?bucket_per_jobcenter=1", "unknown option(s) bucket_per_jobcenter"),
        (f"s3://user:{SECRET}@h/ozgflow-efile?sse=s3&sse=s3", "given twice: sse"),
        ("s3://user@h/ozgflow-efile", "both access key and secret key"),
        ("s3://h/ozgflow-efile", "no credentials"),
        (f"https://user:{SECRET}@h/ozgflow-efile", "must start with s3://"),
    ],
)
def test_bad_urls_are_refused_with_a_clear_message(url: str, message: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "MINIO_ACCESS_KEY", "MINIO_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ValueError) as refused:
        parse_s3_url(url)
    assert message in str(refused.value)
    assert "s3cr" not in str(refused.value)


def test_the_store_factory_picks_the_backend_by_scheme(tmp_path: Path) -> None:
    assert isinstance(efile_store_from_url(f"file://{tmp_path}"), FilesystemEFileStore)
    assert isinstance(efile_store_from_url("s3://u:p@127.0.0.1:9000/ozgflow-efile?secure=false"), S3EFileStore)
    with pytest.raises(ValueError, match="supported: file://, s3://"):
        efile_store_from_url("ftp://h/x")


def test_settings_do_not_show_the_url_with_its_secret() -> None:
    settings = Settings(_env_file=None, efile_url=f"s3://user:{SECRET}@h/ozgflow-efile")  # type: ignore[call-arg]
    assert "s3cr" not in repr(settings) and "s3cr" not in str(settings)
    assert settings.resolved_efile_url.endswith("@h/ozgflow-efile")

"""Master keys come from settings only; production refuses to run without them and without S3 SSE."""

from __future__ import annotations

import base64
import json
import os
import stat
import threading
from pathlib import Path

import pytest

from services.crypto.master import DEV_MASTER_KEY_FILE, KeyUnavailable, MasterKeys, master_keys_from_settings
from services.settings import Settings
from tests.support.production import PRODUCTION_SETTINGS

KEY = base64.b64encode(os.urandom(32)).decode()
PRODUCTION = {**PRODUCTION_SETTINGS, "encryption_master_keys": {"2026-1": KEY}}


def production(**changes: object) -> Settings:
    return Settings(_env_file=None, **{**PRODUCTION, **changes})  # type: ignore[arg-type]


def test_production_with_every_secret_set_is_accepted() -> None:
    settings = production(efile_url="s3://a:b@minio:9000/ozgflow-efile?sse=s3")
    assert master_keys_from_settings(settings).active_id == "2026-1"


def test_production_refuses_to_run_without_master_keys() -> None:
    with pytest.raises(ValueError, match="OZGFLOW_ENCRYPTION_MASTER_KEYS must be set in production"):
        production(encryption_master_keys={})


@pytest.mark.parametrize(
    "url",
    [
        "s3://a:b@minio:9000/ozgflow-efile?secure=true",
        "s3://a:b@minio:9000/ozgflow-efile",
        "s3://a:b@minio:9000/ozgflow-efile?sse=",
    ],
)
def test_production_refuses_an_s3_efile_store_without_server_side_encryption(url: str) -> None:
    with pytest.raises(ValueError, match="needs server-side encryption"):
        production(efile_url=url)


def test_production_accepts_sse_kms_and_the_filesystem_store() -> None:
    production(efile_url="s3://a:b@minio:9000/ozgflow-efile?secure=true&sse=kms:efile-key")
    production(efile_url="file:///var/lib/ozgflow/efile")


@pytest.mark.parametrize(
    ("keys", "active", "message"),
    [
        ({"a": "not base64!"}, "", "not valid base64"),
        ({"a": base64.b64encode(b"short").decode()}, "", "must be 32 random bytes"),
        ({"a": KEY}, "b", "is not in OZGFLOW_ENCRYPTION_MASTER_KEYS"),
        ({"a": KEY, "b": KEY}, "", "must name one of the configured master keys"),
    ],
)
def test_malformed_master_keys_are_refused_without_repeating_them(keys: dict, active: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as caught:
        Settings(_env_file=None, encryption_master_keys=keys, encryption_active_master_key=active)
    for value in keys.values():
        assert value not in str(caught.value)


def test_master_keys_stay_out_of_the_settings_repr() -> None:
    settings = production()
    assert KEY not in repr(settings) and KEY not in str(settings)
    assert KEY not in repr(master_keys_from_settings(settings))


def test_development_generates_one_master_key_in_the_data_folder(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]
    results: list[MasterKeys] = []
    threads = [threading.Thread(target=lambda: results.append(master_keys_from_settings(settings))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({(r.active_id, r.keys[r.active_id]) for r in results}) == 1  # every process gets the same key
    path = tmp_path / DEV_MASTER_KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == [DEV_MASTER_KEY_FILE]  # no temporary file left behind
    stored = json.loads(path.read_text())
    assert base64.b64decode(stored["key"]) == results[0].keys[stored["id"]]
    assert master_keys_from_settings(settings).keys == results[0].keys  # a restart reads the same key


def test_configured_keys_win_over_the_development_key(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path, encryption_master_keys={"k": KEY})  # type: ignore[call-arg]
    assert master_keys_from_settings(settings).keys == {"k": base64.b64decode(KEY)}
    assert not (tmp_path / DEV_MASTER_KEY_FILE).exists()


def test_unwrapping_needs_the_master_key_that_wrapped(tmp_path: Path) -> None:
    old = MasterKeys({"old": os.urandom(32)}, "old")
    wrapped, master_id = old.wrap(b"k" * 32, scope="jc-bremen", version=1)
    assert old.unwrap(wrapped, master_key_id=master_id, scope="jc-bremen", version=1) == b"k" * 32
    with pytest.raises(KeyUnavailable, match="not configured"):
        MasterKeys({"new": os.urandom(32)}, "new").unwrap(wrapped, master_key_id="old", scope="jc-bremen", version=1)
    with pytest.raises(KeyUnavailable, match="does not unwrap"):  # a wrapped key copied to another jobcenter
        old.unwrap(wrapped, master_key_id="old", scope="jc-leipzig", version=1)

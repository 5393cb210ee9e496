"""A third party checks a receipt with nothing but the keys a live portal publishes over HTTP: with the script
from docs/security.md (Python + cryptography, no ozgflow) and with `ozgflow receipt verify`, online and offline."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from connectors.sdk.registry import ConnectorRegistry
from services.cli.main import app as cli
from services.portal.app import create_app
from services.settings import Settings
from services.store.db import Database
from tests.receipts.support import example
from tests.support.http_server import UvicornThread

TokenFor = Callable[[str], dict[str, str]]
DOCS = Path(__file__).resolve().parents[2] / "docs" / "security.md"
KEYS = "/.well-known/ozgflow-receipt-keys.json"
runner = CliRunner()


@pytest.fixture
def portal(settings: Settings, db: Database, registry: ConnectorRegistry) -> Iterator[UvicornThread]:
    with UvicornThread(create_app(settings, db=db, registry=registry)) as server:
        yield server


@pytest.fixture
def filed(portal: UvicornThread, token_for: TokenFor, registry: ConnectorRegistry, tmp_path: Path) -> dict[str, Any]:
    """A WBA filed over HTTP, its receipt saved as a file the way a customer would keep it."""
    with httpx.Client(base_url=portal.url, timeout=15.0) as http:
        headers = token_for("kd-1001")
        response = http.post("/api/v1/submissions/wba", json=example(registry, "wba"), headers=headers)
        assert response.status_code == 202, response.text
        document = http.get(f"/api/v1/submissions/{response.json()['id']}/receipt", headers=headers).json()
    path = tmp_path / "receipt.json"
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    return {"document": document, "path": path}


def _docs_script(tmp_path: Path) -> Path:
    text = DOCS.read_text(encoding="utf-8")
    block = re.search(
        r"<!-- receipt-verify-example -->\s*```python\n(.*?)```\s*<!-- /receipt-verify-example -->", text, re.S
    )
    assert block, "docs/security.md lost its verification example"
    script = tmp_path / "verify_receipt.py"
    script.write_text(block.group(1), encoding="utf-8")
    return script


def _run(script: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    # -I: isolated from this checkout (no ozgflow on the path from the working directory), cwd elsewhere.
    return subprocess.run(
        [sys.executable, "-I", str(script), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=script.parent,
        check=False,
    )


def test_the_documented_script_verifies_with_the_keys_fetched_from_the_live_portal(
    portal: UvicornThread, filed: dict[str, Any], tmp_path: Path
) -> None:
    script = _docs_script(tmp_path)
    ok = _run(script, filed["path"], portal.url + KEYS)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith(f"VALID: {filed['document']['receipt_number']}")

    form = copy.deepcopy(filed["document"]["filed"]["form"])
    form["bg_number"] = "96101BG0012343"
    other_form = tmp_path / "other-form.json"
    other_form.write_text(json.dumps(form), encoding="utf-8")
    changed = _run(script, filed["path"], portal.url + KEYS, other_form)
    assert changed.returncode == 1 and "not what was filed" in changed.stderr

    tampered = copy.deepcopy(filed["document"])
    tampered["statement"]["filed_at"] = "2020-01-01T00:00:00Z"
    tampered_path = tmp_path / "tampered.json"
    tampered_path.write_text(json.dumps(tampered), encoding="utf-8")
    forged = _run(script, tampered_path, portal.url + KEYS)
    assert forged.returncode == 1 and "signature does not match" in forged.stderr


def test_the_cli_verifies_online_and_offline_and_says_why_not(
    portal: UvicornThread, filed: dict[str, Any], tmp_path: Path
) -> None:
    online = runner.invoke(cli, ["receipt", "verify", str(filed["path"]), "--keys", portal.url + KEYS])
    assert online.exit_code == 0, online.output
    assert f"VALID: receipt {filed['document']['receipt_number']} is genuine." in online.output
    assert filed["document"]["statement"]["digest"] in online.output
    assert "matches the signed digest" in online.output

    saved_keys = tmp_path / "keys.json"
    saved_keys.write_text(httpx.get(portal.url + KEYS, timeout=10).text, encoding="utf-8")
    form = tmp_path / "form.json"
    form.write_text(json.dumps(filed["document"]["filed"]["form"]), encoding="utf-8")
    offline = runner.invoke(
        cli, ["receipt", "verify", str(filed["path"]), "--form", str(form), "--keys", str(saved_keys)]
    )
    assert offline.exit_code == 0, offline.output

    changed = json.loads(form.read_text())
    changed["bg_number"] = "96101BG0012343"
    form.write_text(json.dumps(changed), encoding="utf-8")
    mismatch = runner.invoke(
        cli, ["receipt", "verify", str(filed["path"]), "--form", str(form), "--keys", str(saved_keys)]
    )
    assert mismatch.exit_code == 1 and "INVALID (digest_mismatch)" in mismatch.output

    other_keys = tmp_path / "other-keys.json"
    other_keys.write_text(runner.invoke(cli, ["receipt", "keys"], env={"OZGFLOW_DATA_DIR": str(tmp_path / "x")}).output)
    unknown = runner.invoke(cli, ["receipt", "verify", str(filed["path"]), "--keys", str(other_keys)])
    assert unknown.exit_code == 1 and "INVALID (unknown_key)" in unknown.output

    not_json = tmp_path / "broken.json"
    not_json.write_text("{", encoding="utf-8")
    broken = runner.invoke(cli, ["receipt", "verify", str(not_json), "--keys", str(saved_keys)])
    assert broken.exit_code == 1 and "is not JSON" in broken.output
    gone = runner.invoke(cli, ["receipt", "verify", str(filed["path"]), "--keys", portal.url + "/no-such-keys"])
    assert gone.exit_code == 1 and "HTTP 404" in gone.output


def test_generated_keys_sign_and_publish(tmp_path: Path) -> None:
    generated = runner.invoke(cli, ["receipt", "generate-key"])
    assert generated.exit_code == 0
    private_pem = generated.stdout
    assert private_pem.startswith("-----BEGIN PRIVATE KEY-----")
    published = runner.invoke(
        cli, ["receipt", "keys"], env={"OZGFLOW_RECEIPT_SIGNING_KEY": private_pem, "OZGFLOW_DATA_DIR": str(tmp_path)}
    )
    assert published.exit_code == 0, published.output
    (key,) = json.loads(published.stdout)["keys"]
    assert f"key id: {key['kid']}" in generated.stderr
    assert not (tmp_path / "receipt-signing-key.pem").exists()  # a configured key: nothing generated

"""`ozgflow receipt …`: verify a signed receipt offline with only the published key; make keys for rotation.

Exit codes of ``verify``: 0 the receipt is genuine (and the form, if given, is what was filed), 1 anything
else — not genuine, not readable, or the keys could not be had — with a message that says which.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer

from services.receipts.document import KEYS_PATH
from services.receipts.keys import (
    KeySet,
    ReceiptKeyError,
    ReceiptKeys,
    b64url,
    key_id,
    private_key_pem,
    public_key_pem,
)
from services.receipts.verify import MalformedReceipt, Normaliser, parse_receipt, verify_receipt

receipt_app = typer.Typer(help="Signed receipts: verify one offline with the published key; keys for rotation.")


def _fail(message: str) -> typer.Exit:
    typer.secho(message, fg="red", err=True)
    return typer.Exit(1)


def _read_json(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise _fail(f"Cannot read the {what} {path}: {exc.strerror or exc}.") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _fail(f"The {what} {path} is not JSON ({exc}).") from None


def _default_keys_source() -> str:
    from services.cli.common import settings_or_exit

    return settings_or_exit().resolved_public_url.rstrip("/") + KEYS_PATH


def load_keys(source: str) -> KeySet:
    """A JWKS from a file or an http(s) URL; a failure is an Exit(1) with the reason."""
    if source.startswith(("http://", "https://")):
        try:
            response = httpx.get(source, timeout=10.0, follow_redirects=False)
            response.raise_for_status()
            document = response.json()
        except httpx.HTTPStatusError as exc:
            raise _fail(f"Cannot fetch the keys from {source}: HTTP {exc.response.status_code}.") from None
        except httpx.HTTPError as exc:
            raise _fail(f"Cannot fetch the keys from {source}: {type(exc).__name__}.") from None
        except ValueError:
            raise _fail(f"The keys at {source} are not JSON.") from None
    else:
        document = _read_json(Path(source), "key file")
    try:
        keys = KeySet.from_jwks(document)
    except ReceiptKeyError as exc:
        raise _fail(f"The keys from {source} are {exc}.") from None
    if not keys.keys:
        raise _fail(f"The keys from {source} contain no Ed25519 key.")
    return keys


def _normaliser() -> Normaliser | None:
    """The installed connectors validate a form as at acceptance (defaults, amounts written out)."""
    from connectors.sdk.registry import ConnectorRegistry
    from services.receipts.verify import registry_normaliser

    return registry_normaliser(ConnectorRegistry.from_entry_points())


@receipt_app.command("verify")
def verify(
    receipt_file: Annotated[Path, typer.Argument(metavar="RECEIPT.json", help="The receipt as downloaded.")],
    form_file: Annotated[
        Path | None,
        typer.Option("--form", metavar="FORM.json", help="The form as filed; checked against the signed digest."),
    ] = None,
    keys: Annotated[
        str | None,
        typer.Option(
            "--keys",
            metavar="URL-or-file",
            help="The platform's published keys (JWKS): a saved file (offline) or its URL. "
            f"Default: OZGFLOW_PUBLIC_URL + {KEYS_PATH}.",
        ),
    ] = None,
    attachments: Annotated[
        list[Path] | None,
        typer.Option("--attachment", help="A file filed with the form (the paper scan): must be one it covers."),
    ] = None,
) -> None:
    """Check a receipt's Ed25519 signature against the published keys (and a form against its digest)."""
    document = _read_json(receipt_file, "receipt")
    try:
        receipt = parse_receipt(document)
    except MalformedReceipt as exc:
        raise _fail(f"INVALID ({exc.code}): {exc.message}") from None
    form: Any = None
    form_source = ""
    if form_file is not None:
        form, form_source = _read_json(form_file, "form"), str(form_file)
    elif isinstance(document.get("filed"), dict) and isinstance(document["filed"].get("form"), dict):
        form, form_source = document["filed"]["form"], f"'filed' in {receipt_file}"
    if form is not None and not isinstance(form, dict):
        raise _fail(f"The form {form_source} must be a JSON object.")
    try:
        hashes = [hashlib.sha256(path.read_bytes()).hexdigest() for path in attachments or []]
    except OSError as exc:
        raise _fail(f"Cannot read an attachment: {exc}.") from None
    source = keys or _default_keys_source()
    keyset = load_keys(source)
    verdict = verify_receipt(
        receipt, keyset, form=form, files=hashes, normalise=_normaliser() if form is not None else None
    )
    statement = receipt.statement
    if not verdict.valid:
        raise _fail(f"INVALID ({verdict.reason}): {verdict.message}\n  key id  {verdict.key_id}\n  keys    {source}")
    typer.secho(f"VALID: receipt {statement.get('receipt_number')} is genuine.", fg="green")
    rows = [
        ("service", f"{statement.get('service')} {statement.get('service_version')} ({statement.get('channel')})"),
        ("filed at", str(statement.get("filed_at"))),
        ("digest", str(statement.get("digest"))),
        ("key id", f"{verdict.key_id} ({verdict.key_status})"),
        ("issuer", str(statement.get("issuer"))),
        ("keys", source),
        ("form", f"matches the signed digest ({form_source})" if verdict.digest_checked else "not checked"),
    ]
    if hashes:
        rows.append(("files", f"{len(hashes)} covered by the receipt"))
    for label, value in rows:
        typer.echo(f"  {label:<9}{value}")


@receipt_app.command("keys")
def published_keys() -> None:
    """Print the JWKS this installation publishes (current and previous keys), e.g. to hand out as a file."""
    from services.cli.common import settings_or_exit

    try:
        receipt_keys = ReceiptKeys.from_settings(settings_or_exit())
    except ReceiptKeyError as exc:
        raise _fail(str(exc)) from None
    typer.echo(json.dumps(receipt_keys.published().jwks(), indent=2))


@receipt_app.command("generate-key")
def generate_key() -> None:
    """A new Ed25519 signing key (PEM) for OZGFLOW_RECEIPT_SIGNING_KEY, with its public half and key id."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    public = key.public_key()
    typer.echo(private_key_pem(key).decode(), nl=False)
    typer.echo(public_key_pem(public), nl=False, err=True)
    typer.echo(f"key id: {key_id(public)}  (x: {b64url(public.public_bytes_raw())})", err=True)

"""`ozgflow keys …`: the encryption keys (data keys per jobcenter, master key rotation, re-encryption).

Typical rotations (docs/security.md, "Encryption at rest"):
- a jobcenter's data key: ``keys rotate --jobcenter ID`` (or ``--all``), then ``keys reencrypt``;
- the master key: add the new key to OZGFLOW_ENCRYPTION_MASTER_KEYS, make it active, roll out, ``keys rewrap``,
  check ``keys status``, then remove the old key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from services.cli.common import settings_or_exit as _settings

if TYPE_CHECKING:
    from services.crypto.keyring import Keyring
    from services.store.db import Database

keys_app = typer.Typer(
    help="Encryption at rest: data keys per jobcenter, master key rotation, re-encryption.", no_args_is_help=True
)


def _database() -> Database:
    from services.store.db import database_from_settings

    try:
        return database_from_settings(_settings())
    except ValueError as exc:
        typer.secho(f"Invalid configuration: {exc}", fg="red", err=True)
        raise typer.Exit(2) from None


def _keyring(db: Database) -> Keyring:
    assert db.keyring is not None
    return db.keyring


@keys_app.command("status")
def status(
    records: Annotated[
        bool, typer.Option("--records", help="Also count records and e-file objects not yet on the newest key.")
    ] = False,
) -> None:
    """Master keys in use, each jobcenter's data key versions, and what still needs `rewrap` or `reencrypt`."""
    db = _database()
    keyring = _keyring(db)
    masters = keyring.masters
    typer.echo(f"master keys configured: {', '.join(sorted(masters.keys))} (active: {masters.active_id})")
    rows = keyring.records()
    unreadable = [r for r in rows if not keyring.unwraps(r)]
    not_active_master = [r for r in rows if r.master_key_id != masters.active_id]
    typer.echo(f"{'scope':<28} {'version':>7}  {'state':<8} {'master key':<16} created")
    for r in rows:
        flag = "  (does not unwrap!)" if r in unreadable else ""
        created = r.created_at.strftime("%Y-%m-%d %H:%M")
        typer.echo(f"{r.scope:<28} {r.version:>7}  {r.state:<8} {r.master_key_id:<16} {created}{flag}")
    if not rows:
        typer.echo("no data keys yet (each jobcenter's is created when it first stores data)")
    if not_active_master:
        typer.secho(
            f"{len(not_active_master)} data key(s) wrapped with a master key that is not active: run `ozgflow keys "
            "rewrap` before removing that master key.",
            fg="yellow",
        )
    if records:
        _status_records(db)
    if unreadable:
        typer.secho(f"{len(unreadable)} data key(s) cannot be unwrapped with the configured master keys.", fg="red")
        raise typer.Exit(1)


def _status_records(db: Database) -> None:
    from services.crypto.reencrypt import count_records
    from services.efile.encrypted import EncryptedEFileStore, efile_store_from_settings

    for counts in count_records(db):
        typer.echo(
            f"{counts.name:<28} {counts.total:>8} records, {counts.plaintext} in plaintext, "
            f"{counts.stale} on an older key"
        )
    store = efile_store_from_settings(_settings(), keyring=db.keyring)
    assert isinstance(store, EncryptedEFileStore)
    keys = store.list()
    behind = sum(not store.is_current(key) for key in keys)
    typer.echo(f"{'e-file objects':<28} {len(keys):>8} objects, {behind} in plaintext or on an older key")


@keys_app.command("rotate")
def rotate(
    jobcenter: Annotated[str | None, typer.Option("--jobcenter", help="The jobcenter's id (or _platform).")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every jobcenter and the platform key.")] = False,
) -> None:
    """A new active data key version; older versions keep decrypting (no downtime). Then: `keys reencrypt`."""
    from sqlalchemy import select

    from services.crypto.envelope import PLATFORM_SCOPE
    from services.crypto.keyring import RotationConflict
    from services.store.models import Jobcenter

    if (jobcenter is None) == (not all_):
        typer.secho("Name one jobcenter with --jobcenter ID, or rotate every key with --all.", fg="red", err=True)
        raise typer.Exit(2)
    db = _database()
    with db.session() as session:
        known = set(session.scalars(select(Jobcenter.id)))
    if jobcenter is not None and jobcenter not in known | {PLATFORM_SCOPE}:
        typer.secho(f"Unknown jobcenter '{jobcenter}'.", fg="red", err=True)
        raise typer.Exit(1)
    scopes = sorted(known) + [PLATFORM_SCOPE] if all_ else [str(jobcenter)]
    keyring = _keyring(db)
    for scope in scopes:
        try:
            version = keyring.rotate(scope)
        except RotationConflict as exc:
            typer.secho(str(exc), fg="red", err=True)
            raise typer.Exit(1) from None
        typer.echo(f"{scope}: data key version {version} is active")
    cache = _settings().encryption_key_cache_seconds
    typer.echo(
        f"Running processes switch to the new keys within {cache:g} s; after that, `ozgflow keys reencrypt` moves "
        "stored data to them."
    )


@keys_app.command("rewrap")
def rewrap() -> None:
    """Wrap every data key under the active master key (after adding a new master key). Data is not touched."""
    keyring = _keyring(_database())
    moved = keyring.rewrap()
    typer.echo(f"{moved} data key(s) re-wrapped under master key '{keyring.masters.active_id}'")


@keys_app.command("reencrypt")
def reencrypt(
    batch_size: Annotated[int, typer.Option(min=1, max=10_000, help="Records per transaction.")] = 200,
    objects: Annotated[bool, typer.Option(help="Also the e-file objects (reads and rewrites each one).")] = True,
) -> None:
    """Seal stored records (and e-file objects) with their jobcenter's newest data key, plaintext ones too.

    Safe while the platform runs, and to run again: what is already current is skipped."""
    from services.crypto.reencrypt import reencrypt_objects, reencrypt_records, total_records
    from services.efile.encrypted import EncryptedEFileStore, efile_store_from_settings

    db = _database()
    with typer.progressbar(length=total_records(db), label="records") as bar:
        moved = reencrypt_records(db, batch_size=batch_size, progress=bar.update)
    typer.echo(f"{moved} record(s) sealed with the newest data key")
    if objects:
        store = efile_store_from_settings(_settings(), keyring=db.keyring)
        assert isinstance(store, EncryptedEFileStore)
        keys = store.list()
        with typer.progressbar(length=len(keys), label="e-file objects") as bar:
            moved = reencrypt_objects(store, keys, progress=bar.update)
        typer.echo(f"{moved} e-file object(s) sealed with the newest data key")

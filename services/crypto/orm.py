"""Transparent encryption of personal data in the database, through SQLAlchemy's ORM events.

Everyone else keeps reading and writing plain values (``submission.form_data`` is a dict): just before a
flush, each sealed attribute that changed is replaced by its envelope (text form) sealed with the row's
jobcenter key and bound to table, column and row id; right after the flush the plain value is put back as
the committed state. Rows loaded or refreshed are opened the same way. The keyring comes from
``session.info`` (``Database(url, keyring=...)``), never from a global.

Scope rule: a row is sealed with its jobcenter's key. What belongs to no jobcenter yet — a draft (the
customer's, until filed) and a submission before routing — is sealed with the platform key
(``_platform``); the flush that routes a submission (sets ``jobcenter_id``) re-seals its form data with
that jobcenter's key. Rows stored in plaintext before encryption was switched on still read (unless
``require_envelopes``); ``ozgflow keys reencrypt`` seals them.

Only ORM reads are opened: a Core ``select(Submission.form_data)`` returns the envelope text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.attributes import set_committed_value

from services.crypto.envelope import PLATFORM_SCOPE, from_text, is_sealed_text, to_text
from services.crypto.keyring import Keyring
from services.crypto.master import KeyUnavailable
from services.store.models import Draft, InboundItem, MailboxMessage, Submission

KEYRING_INFO = "ozgflow.keyring"
_PENDING = "ozgflow.sealed_in_flush"


class PlaintextRefused(Exception):
    """A plaintext record was met while ``require_envelopes`` is set (someone wrote around the ORM)."""


@dataclass(frozen=True)
class SealedField:
    model: type[Any]
    attr: str
    is_json: bool
    scope_attr: str | None
    """The row's jobcenter column; None: always the platform scope."""
    unrouted_platform: bool = False
    """Rows may still carry a platform envelope (sealed before the row got its jobcenter)."""

    def scope(self, obj: Any) -> str:
        return (getattr(obj, self.scope_attr) if self.scope_attr else None) or PLATFORM_SCOPE

    def scopes(self, obj: Any) -> set[str] | None:
        """Scopes an envelope of this row may name (None: the row's jobcenter is not loaded)."""
        if self.scope_attr is None:
            return {PLATFORM_SCOPE}
        if self.scope_attr not in obj.__dict__:
            return None
        own = self.scope(obj)
        return {own, PLATFORM_SCOPE} if self.unrouted_platform else {own}

    def context(self, obj: Any) -> str:
        if obj.id is None:
            raise ValueError(f"{self.model.__name__} needs its id before its {self.attr} can be sealed")
        return f"db:{self.model.__tablename__}.{self.attr}:{obj.id}"

    def encode(self, value: Any) -> bytes:
        if self.is_json:
            return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
        return str(value).encode()

    def decode(self, data: bytes) -> Any:
        return json.loads(data) if self.is_json else data.decode()


SEALED_FIELDS: tuple[SealedField, ...] = (
    SealedField(Submission, "form_data", is_json=True, scope_attr="jobcenter_id", unrouted_platform=True),
    SealedField(Draft, "form_data", is_json=True, scope_attr=None),
    SealedField(InboundItem, "payload", is_json=True, scope_attr="jobcenter_id"),
    SealedField(MailboxMessage, "body", is_json=False, scope_attr="jobcenter_id"),
)
_BY_MODEL = {f.model: f for f in SEALED_FIELDS}


def install(sessions: sessionmaker[Session], keyring: Keyring) -> None:
    """Seal and open through ``keyring`` in every session of ``sessions``."""
    sessions.kw["info"] = {**sessions.kw.get("info", {}), KEYRING_INFO: keyring}
    event.listen(sessions, "before_flush", _seal_before_flush)
    event.listen(sessions, "after_flush_postexec", _restore_after_flush)
    event.listen(sessions, "after_soft_rollback", _restore_after_failed_flush)
    install_load_listeners()


def install_load_listeners() -> None:
    """Class-level and idempotent: a session without a keyring never hands envelope text to code that expects a
    dict — the sealed attribute stays unloaded, and reading it raises ``KeyUnavailable``."""
    for field in SEALED_FIELDS:
        if not event.contains(field.model, "load", _open_on_load):
            event.listen(field.model, "load", _open_on_load, restore_load_context=True)
            event.listen(field.model, "refresh", _open_on_refresh, restore_load_context=True)


def _needs_sealing(session: Session, obj: Any, field: SealedField) -> bool:
    """New rows, changed values, and rows whose jobcenter changed (routing: re-seal with that jobcenter's key)."""
    state = inspect(obj)
    rescope = field.scope_attr is not None and state.attrs[field.scope_attr].history.has_changes()
    if rescope and field.attr not in obj.__dict__:
        getattr(obj, field.attr)  # expired: load (and open) it, to seal it with the new scope
    if obj.__dict__.get(field.attr) is None:
        return False
    return obj in session.new or rescope or state.attrs[field.attr].history.has_changes()


def _seal_before_flush(session: Session, _flush_context: Any, _instances: Any) -> None:
    keyring: Keyring | None = session.info.get(KEYRING_INFO)
    if keyring is None:
        return
    pending: list[tuple[Any, str, Any, str]] = session.info.setdefault(_PENDING, [])
    try:
        for obj in [*session.new, *session.dirty]:
            field = _BY_MODEL.get(type(obj))
            if field is None or not _needs_sealing(session, obj, field):
                continue
            plain = obj.__dict__[field.attr]
            envelope = keyring.seal(
                field.scope(obj), field.encode(plain), field.context(obj), connection=session.connection()
            )
            sealed = to_text(envelope)
            pending.append((obj, field.attr, plain, sealed))
            setattr(obj, field.attr, sealed)
    except BaseException:
        _restore_after_failed_flush(session, None)  # the flush has not begun: nothing else would undo this
        raise


def _restore_after_flush(session: Session, _flush_context: Any) -> None:
    for obj, attr, plain, _sealed in session.info.pop(_PENDING, []):
        set_committed_value(obj, attr, plain)


def _restore_after_failed_flush(session: Session, _previous: Any) -> None:
    """A failed flush must not leave envelope text in the objects (a retry would seal it twice)."""
    for obj, attr, plain, sealed in session.info.pop(_PENDING, []):
        if obj.__dict__.get(attr) is sealed:
            setattr(obj, attr, plain)


def _open(target: Any, session: Session | None, *, loading_again: bool = False) -> None:
    field = _BY_MODEL[type(target)]
    value = target.__dict__.get(field.attr)
    keyring: Keyring | None = session.info.get(KEYRING_INFO) if session is not None else None
    if not is_sealed_text(value):
        if value is not None and keyring is not None and keyring.require_envelopes:
            raise PlaintextRefused(f"{field.model.__tablename__}.{field.attr} of {target.id} is not encrypted")
        return
    if keyring is None or session is None:
        if session is not None and not loading_again:
            # Code that never touches this attribute (a status query) must keep working without a keyring: the
            # attribute is expired instead, and only reading it fails (its reload comes back here).
            session.expire(target, [field.attr])
            return
        raise KeyUnavailable(
            f"{field.model.__tablename__}.{field.attr} is encrypted, but this session has no keyring "
            "(build the database with services.store.db.database_from_settings)"
        )
    plain = keyring.open(
        from_text(value), field.context(target), scopes=field.scopes(target), connection=session.connection()
    )
    set_committed_value(target, field.attr, field.decode(plain))


def _open_on_load(target: Any, context: Any) -> None:
    _open(target, getattr(context, "session", None))


def _open_on_refresh(target: Any, context: Any, attrs: Any) -> None:
    field = _BY_MODEL[type(target)]
    if attrs is None or field.attr in attrs:
        # a reload of this very object (reading an expired attribute, session.refresh) vs. a query meeting it again
        reloading = getattr(context, "refresh_state", None) is inspect(target)
        _open(target, getattr(context, "session", None), loading_again=reloading)

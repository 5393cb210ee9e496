"""One portal request is one scope for the keyring (services/crypto/keyring.py, ``request_scope``).

FastAPI runs a request's dependencies (which open its database transaction) and its handler (which may file
an attachment in the e-file store) in different worker threads. The keyring must still recognise the
request's own open transaction — on SQLite it holds the only write lock — when the e-file store needs a
jobcenter's data key; this middleware tells it which transactions belong to the request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.types import ASGIApp, Receive, Scope, Send

if TYPE_CHECKING:
    from fastapi import FastAPI

    from services.crypto.keyring import Keyring


class KeyringRequestScope:
    def __init__(self, app: ASGIApp, keyring: Keyring) -> None:
        self.app = app
        self.keyring = keyring

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        with self.keyring.request_scope():
            await self.app(scope, receive, send)


def install_keyring_scope(app: FastAPI, keyring: Keyring | None) -> None:
    """Nothing to do for a database without keyring."""
    if keyring is not None:
        app.add_middleware(KeyringRequestScope, keyring=keyring)

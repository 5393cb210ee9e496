"""Connectors that load but break the contract in various ways."""

from __future__ import annotations

from typing import ClassVar

from connectors.wba.connector import WbaConnector


class _FromTheFuture(WbaConnector):
    key: ClassVar[str] = "future_service"
    sdk_version: ClassVar[str] = "2"


class _SecondWba(WbaConnector):
    """Claims the key of the built-in WBA."""


not_a_connector = object()
from_the_future = _FromTheFuture()
second_wba = _SecondWba()

"""Discovery of connectors through the entry point group ``ozgflow.connectors``.

A connector that fails to load is recorded with the reason and left out; the others keep working
(as Prefect does with its integrations). The platform's own connectors register the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points

from connectors.sdk.contract import SDK_VERSION, Connector, ServiceForm

ENTRY_POINT_GROUP = "ozgflow.connectors"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConnectorLoadError:
    """Why one connector was left out at start-up."""

    name: str
    reason: str


class UnknownService(LookupError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _validate(obj: object, name: str) -> Connector:
    if not isinstance(obj, Connector):
        raise TypeError(f"entry point '{name}' must name a Connector instance, got {type(obj).__name__}")
    for attr in ("key", "title", "leika_key", "version", "maturity", "roadmap_stage", "form"):
        if not hasattr(obj, attr):
            raise TypeError(f"connector '{name}' lacks the required attribute '{attr}'")
    if not (isinstance(obj.form, type) and issubclass(obj.form, ServiceForm)):
        raise TypeError(f"connector '{name}': 'form' must be a subclass of ServiceForm")
    if str(obj.sdk_version).split(".")[0] != SDK_VERSION.split(".")[0]:
        raise TypeError(
            f"connector '{name}' was written for connector SDK {obj.sdk_version}, this platform provides {SDK_VERSION}"
        )
    try:
        obj.json_schema()
    except Exception as exc:
        raise TypeError(f"connector '{name}': its form has no JSON Schema ({exc})") from exc
    return obj


class ConnectorRegistry:
    """A keyed registry: exactly one connector per service key."""

    def __init__(self, connectors: Iterable[Connector] = ()) -> None:
        self._by_key: dict[str, Connector] = {}
        self.errors: list[ConnectorLoadError] = []
        for connector in connectors:
            self.add(connector, name=connector.key)

    @classmethod
    def from_entry_points(cls, eps: Iterable[EntryPoint] | None = None) -> ConnectorRegistry:
        registry = cls()
        for ep in eps if eps is not None else entry_points(group=ENTRY_POINT_GROUP):
            try:
                registry.add(_validate(ep.load(), ep.name), name=ep.name)
            except Exception as exc:  # a broken plugin must not take the others down
                error = ConnectorLoadError(name=ep.name, reason=f"{type(exc).__name__}: {exc}")
                registry.errors.append(error)
                log.error("connector %s not loaded: %s", error.name, error.reason)
        return registry

    def add(self, connector: Connector, *, name: str) -> None:
        if connector.key in self._by_key:
            raise ValueError(f"connector '{name}' uses the service key '{connector.key}' that is already registered")
        self._by_key[connector.key] = connector

    def get(self, key: str) -> Connector:
        try:
            return self._by_key[key]
        except KeyError:
            raise UnknownService(key) from None

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    def __iter__(self) -> Iterator[Connector]:
        return iter(sorted(self._by_key.values(), key=lambda c: c.key))

    def keys(self) -> list[str]:
        return sorted(self._by_key)

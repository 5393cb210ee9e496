"""Every registered connector passes the contract test kit (built-ins register like any plugin)."""

from __future__ import annotations

from connectors.sdk.registry import ConnectorRegistry
from connectors.sdk.testkit import ConnectorContract

for _connector in ConnectorRegistry.from_entry_points():
    _name = f"TestContract_{_connector.key}"
    globals()[_name] = type(_name, (ConnectorContract,), {"connector": _connector, "__module__": __name__})

"""Does roadmap.yaml agree with the installed connectors? Used by `ozgflow roadmap check` and the tests.

The connector declares its own LeiKa key, maturity and stage; the roadmap repeats them so the plan can be read
without the code. Both must tell the same story, and a service in the roadmap must exist (or be planned).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from connectors.sdk.registry import ConnectorRegistry
from roadmap.model import Roadmap


@dataclass
class CheckReport:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def check_against(roadmap: Roadmap, registry: ConnectorRegistry, *, unlisted: str = "off") -> CheckReport:
    """Errors: unknown (neither installed nor planned) services and disagreements. Warnings: unlisted services."""
    report = CheckReport()
    for key, entry in roadmap.services.items():
        if key not in registry:
            if not entry.planned:
                report.errors.append(
                    f"services.{key}: no connector '{key}' is installed — fix the key, install the connector, "
                    "or mark it 'planned: true'"
                )
            continue
        connector = registry.get(key)
        if entry.planned:
            report.warnings.append(f"services.{key}: a connector is installed, remove 'planned: true'")
        declared = {
            "leika_key": connector.leika_key,
            "maturity": int(connector.maturity),
            "stage": connector.roadmap_stage,
        }
        for name, value in declared.items():
            if getattr(entry, name) != value:
                report.errors.append(
                    f"services.{key}.{name}: the roadmap says {getattr(entry, name)!r}, "
                    f"the installed connector {value!r} — make them agree"
                )
    installed = registry.keys()  # iterating the registry yields connectors, not keys
    for key in installed:
        if key not in roadmap.services:
            report.warnings.append(
                f"services.{key}: installed but not on the roadmap — it is {unlisted} everywhere "
                "(OZGFLOW_ROLLOUT_DEFAULT_UNLISTED); add it to roadmap.yaml to roll it out on purpose"
            )
    return report

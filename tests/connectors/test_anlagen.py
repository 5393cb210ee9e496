"""All sixteen Anlagen: registration, examples, document, hand-over and receipt.

The rules of each Anlage are tested in tests/connectors/anlagen/; this file covers what they share.
"""

from __future__ import annotations

import importlib
import json
import re
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from connectors.anlagen import ANLAGEN
from connectors.anlagen.base import AnlageConnector
from connectors.sdk import Maturity, SubmissionContext
from connectors.sdk.registry import ConnectorRegistry
from tests.connectors.anlagen.support import example, form, problems
from tests.connectors.conftest import RECEIPT_NUMBER, make_context

CONNECTORS: list[AnlageConnector[Any]] = [importlib.import_module(f"connectors.anlagen.{m}").connector for m in ANLAGEN]
PARENT = "WBA-20261120-4KX7P2QA"


def ids(connector: AnlageConnector[Any]) -> str:
    return connector.key


def ctx_for(connector: AnlageConnector[Any], parent: str | None = PARENT) -> SubmissionContext:
    return replace(make_context(connector.key), parent_receipt_number=parent)


def test_all_sixteen_are_registered_and_attachable_to_wba_and_ha() -> None:
    registry = ConnectorRegistry.from_entry_points()
    keys = {f"anlage_{name}" for name in ANLAGEN}
    assert len(keys) == 16
    assert keys <= set(registry.keys()), keys - set(registry.keys())
    for key in keys:
        connector = registry.get(key)
        assert connector.attachable_to == {"wba", "ha"}
        assert connector.standalone is True


@pytest.mark.parametrize("connector", CONNECTORS, ids=ids)
def test_identity(connector: AnlageConnector[Any]) -> None:
    assert connector.key == f"anlage_{connector.short.lower()}"
    assert connector.title.startswith(f"Anlage {connector.short} – ")
    assert re.fullmatch(r"urn:de:fim:leika:leistung:9905001211\d{4}", connector.leika_key)
    assert (connector.version, connector.maturity, connector.roadmap_stage) == ("1.0.0", Maturity.ONLINE_SERVICE, 1)
    assert connector.handover_system == "allegro"


def test_leika_placeholders_are_distinct() -> None:
    assert len({c.leika_key for c in CONNECTORS}) == len(CONNECTORS)


@pytest.mark.parametrize("connector", CONNECTORS, ids=ids)
@pytest.mark.parametrize("today", [None, date(2024, 2, 29), date(2025, 1, 31), date(2025, 12, 31)])
def test_examples_are_valid_on_any_day(connector: AnlageConnector[Any], today: date | None) -> None:
    named = connector.named_examples(today or date.today())
    assert len(named) >= 2
    for name, data in named.items():
        validated = connector.form.model_validate(json.loads(json.dumps(data)))
        assert connector.check(validated, today=today) == [], name
    assert connector.examples(today) == list(named.values())


@pytest.mark.parametrize("connector", CONNECTORS, ids=ids)
def test_declaration_must_be_confirmed(connector: AnlageConnector[Any]) -> None:
    found = problems(connector, example(connector, declarations={"truthful_information": False}))
    assert [(p.field, p.code) for p in found] == [("declarations.truthful_information", "declaration_required")]
    assert "richtig und vollständig" in found[0].message


@pytest.mark.parametrize("connector", CONNECTORS, ids=ids)
def test_schema_has_german_titles_and_no_developer_docstrings(connector: AnlageConnector[Any]) -> None:
    schema = connector.json_schema()
    assert schema["title"] == connector.title
    for name, prop in schema["properties"].items():
        target = schema["$defs"][prop["$ref"].split("/")[-1]] if "$ref" in prop else prop
        assert "title" in prop or "title" in target, name
    assert "Version 1.0.0" not in json.dumps(schema)


@pytest.mark.parametrize("connector", CONNECTORS, ids=ids)
def test_document_names_customer_parent_and_overview(connector: AnlageConnector[Any]) -> None:
    sections = connector.document(form(connector, example(connector)), ctx_for(connector))
    applicant = dict(sections[0].rows)
    assert (applicant["Name"], applicant["Eingangsnummer"]) == ("Lena Schmidt", RECEIPT_NUMBER)
    assert applicant["Gehört zum Antrag"] == PARENT
    assert connector.title in [s.title for s in sections]
    assert sections[-1].title == "Erklärung" and sections[-1].rows[0][1] == "ja"
    assert all(isinstance(v, str) for s in sections for row in s.rows for v in row)
    standalone = connector.document(form(connector, example(connector)), ctx_for(connector, None))
    assert "Gehört zum Antrag" not in dict(standalone[0].rows)


KEY_VALUES = {
    "anlage_wep": ["Jonas Becker, geb. 12.07.1988", "Partner/in", "AOK Plus"],
    "anlage_ki": ["Mia Becker", "Kita / Kindertagespflege", "Lena Schmidt"],
    "anlage_kdu": ["412,50 €", "606,50 €", "Fernwärme", "Wohnungsbaugesellschaft Leipzig-West AG"],
    "anlage_ek": ["Bäckerei Krause GmbH", "1.200,00 €", "948,37 €"],
    "anlage_eks": ["Mobile Friseurin", "9.150,00 €", "2.834,40 €", "6.315,60 €", "1.052,60 €"],
    "anlage_vm": ["Sparkasse Leipzig", "3.200,00 €", "4.042,17 €", "55.000,00 €"],
    "anlage_ve": ["Jonas Becker, geb. 12.07.1988", "ja"],
    "anlage_sv": ["Wagner", "Chemnitz", "12080391W509", "AOK Plus"],
    "anlage_hg": ["Petra Neumann", "1.840,00 €", "150,00 €"],
    "anlage_meb": ["Emil Schmidt", "Zöliakie / Sprue", "glutenfreie Kost", "Dr. med. Sabine Vogel"],
    "anlage_bb": ["Bett, Kleiderschrank", "1.150,00 €"],
    "anlage_uh1": ["Marco Wagner", "Jugendamt der Stadt Leipzig", "312,00 €", "200,00 €", "112,00 €"],
    "anlage_uh2": ["Thomas Schmidt", "Lindenallee 17"],
    "anlage_uh3": ["Leon Schmidt", "Ausbildung zum Kfz-Mechatroniker", "150,00 €"],
    "anlage_uh4": ["Daniel Neumann", "Siemens AG", "250,00 €"],
    "anlage_uf": ["Klaus Meier", "HUK-COBURG", "LE-VU-8812/25", "Verkehrsunfall"],
}


@pytest.mark.parametrize("connector", CONNECTORS, ids=ids)
def test_document_shows_the_key_values(connector: AnlageConnector[Any]) -> None:
    sections = connector.document(form(connector, example(connector)), ctx_for(connector))
    text = "\n".join(f"{label}: {value}" for s in sections for label, value in s.rows)
    for expected in KEY_VALUES[connector.key]:
        assert expected in text, (connector.key, expected)


@pytest.mark.parametrize("connector", CONNECTORS, ids=ids)
def test_handover_names_the_anlage_and_its_application(connector: AnlageConnector[Any]) -> None:
    validated = form(connector, example(connector))
    payload = json.loads(json.dumps(connector.handover_payload(validated, ctx_for(connector))))
    assert payload["vorgangsart"] == f"ANLAGE_{connector.short}"
    assert (payload["anlage"], payload["zugehoerig_zu_eingangsnummer"]) == (connector.short, PARENT)
    assert payload["eingangsnummer"] == RECEIPT_NUMBER
    assert payload["daten"] == json.loads(validated.model_dump_json())
    assert payload["kennzahlen"]


@pytest.mark.parametrize("connector", CONNECTORS, ids=ids)
def test_receipt_refers_to_the_application_and_lists_evidence(connector: AnlageConnector[Any]) -> None:
    validated = form(connector, example(connector))
    receipt = connector.receipt(validated, ctx_for(connector))
    assert receipt.subject == f"Eingangsbestätigung: Anlage {connector.short} ({RECEIPT_NUMBER})"
    assert f"zu Ihrem Antrag mit der Eingangsnummer {PARENT}" in receipt.body
    assert "Jobcenter Leipzig" in receipt.body
    for item in connector.evidence(validated):
        assert f"- {item}" in receipt.body
    alone = connector.receipt(validated, ctx_for(connector, None)).body
    assert "zu Ihrem Antrag" not in alone and f"Sie haben die {connector.title} eingereicht." in alone


EVIDENCE = {
    "anlage_kdu": "Mietvertrag",
    "anlage_ek": "Lohn- oder Gehaltsabrechnungen",
    "anlage_meb": "ärztliche Bescheinigung",
    "anlage_eks": "Einkommensteuerbescheid",
    "anlage_vm": "Kontoauszüge",
    "anlage_ki": "Geburtsurkunde",
    "anlage_uf": "polizeiliche Unfallmitteilung",
    "anlage_uh1": "Unterhaltstitels",
}


@pytest.mark.parametrize(("key", "expected"), EVIDENCE.items())
def test_receipt_asks_for_the_typical_evidence(key: str, expected: str) -> None:
    (connector,) = [c for c in CONNECTORS if c.key == key]
    body = connector.receipt(form(connector, example(connector)), ctx_for(connector)).body
    assert expected in body.split("Nachweise in Ihrem Postfach hoch")[1]


@pytest.mark.parametrize("connector", CONNECTORS, ids=ids)
def test_prefill_asks_for_the_declaration_anew(connector: AnlageConnector[Any]) -> None:
    draft = connector.prefill(form(connector, example(connector)))
    assert "declarations" not in draft
    assert set(draft) < set(connector.form.model_fields)

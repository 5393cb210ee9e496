"""Hypothesis strategies for hostile form input: bodies generated from a form's JSON Schema, and valid
examples with a few parts replaced by whatever a client might send instead.

Generation from the JSON Schema goes through schemathesis' public API: the form's schema becomes the request
body of a one-operation OpenAPI document, and the operation's strategy yields bodies. That way the property
tests and the API fuzzing (tests/hostile) use the same generator.
"""

from __future__ import annotations

import copy
import json
from datetime import date
from decimal import Decimal
from typing import Any

import schemathesis
from hypothesis import strategies as st

from connectors.sdk import Connector

Path = tuple[str | int, ...]

TRICKY_TEXT = (
    "",
    " ",
    "\t\n",
    "0",
    "-1",
    "1e309",
    "NaN",
    "null",
    "true",
    "2026-02-30",
    "0001-01-01",
    "9999-12-31",
    "31.12.2026",
    "12345BG0012345",
    "١٢٣٤٥BG١٢٣٤٥٦٧",  # Arabic-Indic digits: \d in a str regex matches them
    "１２３４５",  # full-width digits
    "DE89370400440532013000",
    "DE89 3704 0044 0532 0130 00",
    "VV-20261120-4F2A9C",
    "Zoë O'Brien-Łukasiewicz",
    "<script>alert(1)</script>",
    "'; DROP TABLE submissions; --",
    "\u202eevil",
    "\x00",
    "x" * 2001,
)

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)  # Python's json module parses NaN and Infinity
    | st.text(max_size=30)
    | st.sampled_from(TRICKY_TEXT)
    | st.dates().map(date.isoformat)
    | st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=-(10**7), max_value=10**7).map(str)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner, max_size=3),
    max_leaves=8,
)


def paths(value: Any, prefix: Path = ()) -> list[Path]:
    """Every node below the root of a JSON value, containers included."""
    found: list[Path] = []
    items: list[tuple[str | int, Any]] = []
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list):
        items = list(enumerate(value))
    for key, child in items:
        found.append((*prefix, key))
        found += paths(child, (*prefix, key))
    return found


def _parent(data: Any, path: Path) -> Any:
    for key in path[:-1]:
        data = data[key]
    return data


@st.composite
def mutated(draw: st.DrawFn, example: dict[str, Any], *, max_mutations: int = 3) -> dict[str, Any]:
    """``example`` with one to ``max_mutations`` nodes replaced, removed, or an unknown key added."""
    data = copy.deepcopy(example)
    for _ in range(draw(st.integers(min_value=1, max_value=max_mutations))):
        nodes = paths(data)
        kind = draw(st.sampled_from(("replace", "replace", "replace", "remove", "add")))
        if not nodes or kind == "add":
            containers = [()] + [p for p in nodes if isinstance(_node(data, p), dict)]
            target = _node(data, draw(st.sampled_from(containers)))
            target[draw(st.text(min_size=1, max_size=12))] = draw(json_values)
            continue
        path = draw(st.sampled_from(nodes))
        parent = _parent(data, path)
        if kind == "remove":
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(json_values)
    return data


def _node(data: Any, path: Path) -> Any:
    for key in path:
        data = data[key]
    return data


def openapi_for_form(connector: Connector) -> dict[str, Any]:
    """A one-operation OpenAPI 3.1 document whose request body is the connector's form schema."""
    schema = connector.json_schema()
    defs = schema.pop("$defs", {})

    def refs_to_components(value: Any) -> Any:
        return json.loads(json.dumps(value).replace('"#/$defs/', '"#/components/schemas/'))

    body = {"required": True, "content": {"application/json": {"schema": refs_to_components(schema)}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": f"form {connector.key}", "version": connector.version},
        "paths": {"/form": {"post": {"requestBody": body, "responses": {"200": {"description": "accepted"}}}}},
        "components": {"schemas": refs_to_components(defs)},
    }


def schema_bodies(connector: Connector) -> st.SearchStrategy[Any]:
    """Bodies generated from the form's JSON Schema: conforming ones and (negative mode) violating ones."""
    operation = schemathesis.openapi.from_dict(openapi_for_form(connector))["/form"]["POST"]
    cases = st.one_of(
        operation.as_strategy(schemathesis.GenerationMode.POSITIVE),
        operation.as_strategy(schemathesis.GenerationMode.NEGATIVE),
    )
    return cases.map(lambda case: case.body)


def money(max_value: int = 100_000) -> st.SearchStrategy[Decimal]:
    """Amounts as the forms take them: non-negative, two places."""
    return st.integers(min_value=0, max_value=max_value * 100).map(lambda cents: Decimal(cents) / 100)

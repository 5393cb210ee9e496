"""Helpers for the Anlagen tests: a fixed day, validated forms, and problems as (path, code) pairs."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from connectors.anlagen.base import AnlageConnector
from connectors.sdk import FieldProblem, ServiceForm, problems_from_validation_error

TODAY = date(2025, 6, 15)


def example(connector: AnlageConnector[Any], name: str | None = None, **changes: Any) -> dict[str, Any]:
    """A copy of a named example (default: the first) as of ``TODAY``, with top-level fields replaced."""
    named = connector.named_examples(TODAY)
    data = copy.deepcopy(named[name] if name else next(iter(named.values())))
    return data | changes


def form(connector: AnlageConnector[Any], data: dict[str, Any]) -> ServiceForm:
    return connector.form.model_validate(data)


def problems(connector: AnlageConnector[Any], data: dict[str, Any], today: date = TODAY) -> list[FieldProblem]:
    """Check problems of a form that must pass type validation."""
    return connector.check(form(connector, data), today=today)


def codes(connector: AnlageConnector[Any], data: dict[str, Any], today: date = TODAY) -> list[tuple[str, str]]:
    return [(p.field, p.code) for p in problems(connector, data, today)]


def message(connector: AnlageConnector[Any], data: dict[str, Any], path: str) -> str:
    (found,) = [p for p in problems(connector, data) if p.field == path]
    return found.message


def invalid(connector: AnlageConnector[Any], data: dict[str, Any]) -> list[tuple[str, str]]:
    """Type validation problems (the form is refused before any check runs)."""
    with pytest.raises(ValidationError) as excinfo:
        connector.form.model_validate(data)
    return [(p.field, p.code) for p in problems_from_validation_error(excinfo.value, data)]

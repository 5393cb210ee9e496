"""German field messages for pydantic validation errors.

Customers read these messages; they must say what to fix, not how the parser failed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, get_args

from pydantic import ValidationError
from pydantic_core.core_schema import ErrorType

from connectors.sdk.contract import FieldProblem

_MESSAGES: dict[str, str] = {
    "missing": "Dieses Feld ist ein Pflichtfeld. Bitte ausfüllen.",
    "extra_forbidden": "Dieses Feld ist im Formular nicht vorgesehen. Bitte entfernen.",
    "string_type": "Bitte einen Text angeben.",
    "string_too_short": "Bitte mindestens {min_length} Zeichen angeben.",
    "string_too_long": "Bitte höchstens {max_length} Zeichen angeben.",
    "string_pattern_mismatch": "Das Format stimmt nicht. Bitte die Angabe prüfen.",
    "bool_type": "Bitte ja (true) oder nein (false) angeben.",
    "bool_parsing": "Bitte ja (true) oder nein (false) angeben.",
    "int_type": "Bitte eine ganze Zahl angeben.",
    "int_parsing": "Bitte eine ganze Zahl angeben.",
    "float_type": "Bitte eine Zahl angeben.",
    "float_parsing": "Bitte eine Zahl angeben.",
    "finite_number": "Bitte eine endliche Zahl angeben (nicht NaN oder unendlich).",
    "decimal_type": "Bitte einen Betrag angeben, z. B. 450.00.",
    "decimal_parsing": "Bitte einen Betrag angeben, z. B. 450.00.",
    "decimal_max_places": "Bitte höchstens {decimal_places} Nachkommastellen angeben.",
    "decimal_max_digits": "Der Betrag ist zu groß.",
    "greater_than": "Der Wert muss größer als {gt} sein.",
    "greater_than_equal": "Der Wert darf nicht kleiner als {ge} sein.",
    "less_than": "Der Wert muss kleiner als {lt} sein.",
    "less_than_equal": "Der Wert darf nicht größer als {le} sein.",
    "date_type": "Bitte ein Datum im Format JJJJ-MM-TT angeben.",
    "date_parsing": "Bitte ein Datum im Format JJJJ-MM-TT angeben.",
    "date_from_datetime_parsing": "Bitte ein Datum im Format JJJJ-MM-TT angeben.",
    "date_from_datetime_inexact": "Bitte nur ein Datum ohne Uhrzeit angeben.",
    "literal_error": "Bitte einen der zulässigen Werte wählen: {expected}.",
    "enum": "Bitte einen der zulässigen Werte wählen: {expected}.",
    "list_type": "Bitte eine Liste angeben.",
    "too_short": "Bitte mindestens {min_length} Einträge angeben.",
    "too_long": "Bitte höchstens {max_length} Einträge angeben.",
    "dict_type": "Bitte die Angaben zu diesem Abschnitt als Objekt übermitteln.",
    "model_type": "Bitte die Angaben zu diesem Abschnitt als Objekt übermitteln.",
    "model_attributes_type": "Bitte die Angaben zu diesem Abschnitt als Objekt übermitteln.",
    "union_tag_invalid": "Unbekannte Art '{tag}'. Zulässig sind: {expected_tags}.",
    "union_tag_not_found": "Bitte die Art angeben (Feld {discriminator}).",
}
_FALLBACK = "Die Angabe ist ungültig. Bitte prüfen."
_PYDANTIC_TYPES = frozenset(get_args(ErrorType))
"""Pydantic's own error types: their ``msg`` is English, so one without a German template gets the fallback."""


def field_path(loc: tuple[Any, ...], data: Any = None) -> str:
    """Dotted path of a validation location as the form has it.

    Pydantic inserts internal segments (``function-after[...]``) and, inside a discriminated
    union, the tag value (``changes.0.household.birth_date``). The tag is recognised by walking
    the submitted data: a segment that is not a key of the current object but its ``type`` value.
    """
    parts: list[str] = []
    node = data
    for segment in loc:
        sent = isinstance(node, dict) and segment in node  # a key the client sent is a field, whatever it looks like
        if not sent and isinstance(segment, str) and ("[" in segment or segment.startswith("function-")):
            continue
        if (
            isinstance(node, dict)
            and isinstance(segment, str)
            and segment not in node
            and segment in {str(v) for v in node.values() if isinstance(v, str | int)}
        ):
            continue  # a discriminator tag, not a field
        parts.append(str(segment))
        if isinstance(node, dict):
            node = node.get(segment) if isinstance(segment, str) else None
        elif isinstance(node, list) and isinstance(segment, int):
            node = node[segment] if 0 <= segment < len(node) else None
        else:
            node = None
    return ".".join(parts) if parts else "__root__"  # an unknown key "" is named as sent


def _german(ctx: dict[str, Any]) -> dict[str, Any]:
    """Pydantic joins alternatives with an English ' or '."""
    return {k: v.replace(" or ", " oder ") if isinstance(v, str) else v for k, v in ctx.items()}


def problems_from_errors(errors: Iterable[Mapping[str, Any]], data: Any = None) -> list[FieldProblem]:
    """Field problems from pydantic-style error dicts (also FastAPI's request validation errors).

    ``data`` is the submitted input; with it, paths inside discriminated unions match the form."""
    problems: list[FieldProblem] = []
    for err in errors:
        code = err["type"]
        ctx = err.get("ctx") or {}
        template = _MESSAGES.get(code)
        if template is None:
            # Custom errors (PydanticCustomError) already carry a German message; pydantic's own are English.
            message = err["msg"] if code not in _PYDANTIC_TYPES else _FALLBACK
            if code == "value_error" and ctx.get("error"):
                message = str(ctx["error"])
        else:
            try:
                message = template.format(**_german(ctx))
            except (KeyError, IndexError):
                message = _FALLBACK
        problems.append(FieldProblem(field=field_path(tuple(err["loc"]), data), code=code, message=message))
    return problems


def problems_from_validation_error(exc: ValidationError, data: Any = None) -> list[FieldProblem]:
    return problems_from_errors(exc.errors(include_url=False), data)

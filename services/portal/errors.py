"""One error shape for every 4xx/5xx: ``{"error": {"code", "message", "fields": [...]}}``.

Clients branch on ``code``; customers read ``message`` and the per-field messages (German). The same shape is
declared in the OpenAPI document for every operation (``document_errors``), so what the document promises is
what a client gets — checked by the schemathesis run in tests/hostile.
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from connectors.sdk import FieldProblem
from connectors.sdk.messages import problems_from_errors

log = logging.getLogger("ozgflow.portal")


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        fields: list[FieldProblem] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.fields = fields or []
        self.headers = headers


class FieldError(BaseModel):
    """One field the caller must fix (dotted path as the form has it)."""

    field: str = Field(description="Dotted path of the field, e.g. `income.entries.0.net_monthly`.")
    code: str = Field(description="Machine code of the problem.")
    message: str = Field(description="What to fix, in German.")


class ErrorDetail(BaseModel):
    code: str = Field(description="Machine code clients branch on, e.g. `validation_failed`.")
    message: str = Field(description="What went wrong and what to do, in German.")
    fields: list[FieldError] = Field(default_factory=list, description="Per-field problems, if any.")


class ErrorResponse(BaseModel):
    """The one error shape of the portal: every 4xx and 5xx answer looks like this."""

    error: ErrorDetail


def error_body(code: str, message: str, fields: list[FieldProblem] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = [{"field": f.field, "code": f.code, "message": f.message} for f in fields]
    return {"error": body}


# -- errors raised by the framework itself -----------------------------------------------------------------

_HTTP_ERRORS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "Die Anfrage ist fehlerhaft. Bitte prüfen."),
    401: ("unauthorized", "Anmeldung erforderlich."),
    403: ("forbidden", "Dafür fehlt die Berechtigung."),
    404: ("not_found", "Diese Adresse gibt es nicht."),
    405: ("method_not_allowed", "Diese Methode ist für diese Adresse nicht vorgesehen."),
    406: ("not_acceptable", "Dieses Antwortformat wird nicht angeboten."),
    413: ("payload_too_large", "Die Anfrage ist zu groß."),
    415: ("unsupported_media_type", "Dieses Format des Inhalts wird nicht angenommen."),
    429: ("too_many_requests", "Zu viele Anfragen. Bitte später erneut versuchen."),
}
_STATUS_PHRASES = frozenset(status.phrase for status in HTTPStatus)
"""Starlette's default details ("Not Found", ...): English, replaced by our German message."""
_BODY_UNREADABLE = "There was an error parsing the body"
"""FastAPI's detail when a body cannot be decoded at all (not UTF-8, a broken multipart form)."""


def _framework_error(request: Request, exc: StarletteHTTPException) -> tuple[str, str]:
    """Code and German message for an HTTPException; the framework's own details are English and replaced."""
    if exc.status_code == 400 and exc.detail == _BODY_UNREADABLE:
        if "json" in request.headers.get("content-type", ""):
            return "invalid_json", "Der Inhalt ist kein gültiges JSON. Bitte prüfen."
        return "invalid_body", "Der Inhalt der Anfrage lässt sich nicht lesen. Bitte prüfen."
    code, message = _HTTP_ERRORS.get(exc.status_code, ("http_error", "Die Anfrage konnte nicht bearbeitet werden."))
    own_detail = isinstance(exc.detail, str) and exc.detail not in _STATUS_PHRASES
    return code, exc.detail if own_detail else message


_REFUSED_VALUES = frozenset({"22P05", "22021", "22003", "22001"})
"""SQLSTATEs of values the database cannot take: untranslatable character (a NUL in JSON), character not in
repertoire, numeric value out of range, string too long. Input the handlers let through, not a server fault."""


def refused_by_database(exc: DataError) -> bool:
    """Whether the database refused a *value* the client sent (psycopg refuses NUL bytes before sending)."""
    return getattr(exc.orig, "sqlstate", None) in _REFUSED_VALUES or "NUL (0x00)" in str(exc.orig)


def install_error_handlers(app: FastAPI) -> None:
    document_errors(app)

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(error_body(exc.code, exc.message, exc.fields), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return JSONResponse(
                error_body("invalid_json", "Der Inhalt ist kein gültiges JSON. Bitte prüfen."), status_code=400
            )
        fields = problems_from_errors(errors)
        return JSONResponse(
            error_body("validation_failed", "Die Anfrage enthält ungültige Angaben.", fields), status_code=422
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, message = _framework_error(request, exc)
        return JSONResponse(
            error_body(code, message), status_code=exc.status_code, headers=getattr(exc, "headers", None)
        )

    @app.exception_handler(DataError)
    async def _refused_value(request: Request, exc: DataError) -> JSONResponse:
        """The last line: the transaction is rolled back (nothing stored), the caller learns it was their input."""
        if not refused_by_database(exc):
            return await _unexpected(request, exc)
        log.warning("database refused a value (%s) on %s", getattr(exc.orig, "sqlstate", "client"), request.url.path)
        message = (
            "Eine Angabe enthält ein unzulässiges Zeichen (z. B. ein Nullzeichen) oder ist zu lang oder zu groß. "
            "Bitte die Angaben prüfen und erneut senden."
        )
        return JSONResponse(error_body("invalid_value", message), status_code=422)

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error")
        return JSONResponse(error_body("internal_error", "Ein interner Fehler ist aufgetreten."), status_code=500)


# -- the error responses in the OpenAPI document ---------------------------------------------------------

ERROR_RESPONSES: dict[int, str] = {
    400: "Bad request: the body is not valid JSON or a header or parameter is malformed.",
    401: "Not signed in: no bearer token (or API key), or an invalid or expired one.",
    403: "Signed in, but this role, trust level or jobcenter may not do this.",
    404: "Not found — also what someone else's record looks like.",
    409: "Conflict with the current state (idempotency key reused, already answered, already submitted).",
    413: "The request body or an upload is larger than allowed.",
    422: "Validation failed: the fields name what to fix.",
    429: "Too many requests: wait for the time in `Retry-After`.",
    503: "A system this request needs (database, e-file store, virus scanner) is unavailable; try again later.",
}
"""Error answers declared on operations. 401/403 only where an operation takes credentials; 409 only on writes."""

_AUTH_STATUSES = frozenset({401, 403})
_WRITES = frozenset({"post", "put", "patch", "delete"})
_METHODS = _WRITES | {"get", "head", "options", "trace"}


def _takes_credentials(operation: dict[str, Any]) -> bool:
    params = operation.get("parameters") or []
    return bool(operation.get("security")) or any(p.get("in") in ("header", "cookie") for p in params)


def _is_page(responses: dict[str, Any]) -> bool:
    """A server-rendered page answers errors as a page too, except where a dependency refuses first (JSON)."""
    return any(
        "text/html" in (response.get("content") or {}) for status, response in responses.items() if status[0] == "2"
    )


def _replaceable(response: dict[str, Any] | None) -> bool:
    """Absent, or FastAPI's own 422 (``HTTPValidationError``), which our handler never sends."""
    if response is None:
        return True
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return str(schema.get("$ref", "")).endswith("/HTTPValidationError")


def add_error_responses(spec: dict[str, Any]) -> dict[str, Any]:
    """Declare the error shape and the error statuses on every operation of an OpenAPI document (in place)."""
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    generated = ErrorResponse.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(generated.pop("$defs", {}))
    schemas["ErrorResponse"] = generated
    as_json = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}
    as_page = {"text/html": {"schema": {"type": "string"}}, **as_json}
    for path_item in spec.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in _METHODS:
                continue
            responses = operation.setdefault("responses", {})
            content = as_page if _is_page(responses) else as_json
            for status, description in ERROR_RESPONSES.items():
                if status in _AUTH_STATUSES and not _takes_credentials(operation):
                    continue
                if status == 409 and method not in _WRITES:
                    continue
                if _replaceable(responses.get(str(status))):
                    responses[str(status)] = {"description": description, "content": content}
    if "HTTPValidationError" not in json.dumps(spec.get("paths", {})):
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
    return spec


def document_errors(app: FastAPI) -> None:
    """Make the app's OpenAPI document say what errors really look like (built once, on first request)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = add_error_responses(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

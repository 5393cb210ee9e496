"""Signed receipts in public: the platform's receipt keys (a JWKS) and a verification endpoint anyone may call.

The customer's own receipt is served with their submission (``GET /api/v1/submissions/{id}/receipt``).
The keys are built once when the portal starts (``install_receipts``), so a bad key stops the portal at start
rather than failing the first submission.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from services.portal.deps import RegistryDep
from services.portal.errors import ApiError
from services.receipts.document import KEYS_PATH, VERIFY_PATH
from services.receipts.signing import ReceiptSigner
from services.receipts.verify import MalformedReceipt, parse_receipt, registry_normaliser, verify_receipt
from services.settings import Settings

router = APIRouter(tags=["receipts"])


def install_receipts(app: FastAPI, settings: Settings) -> None:
    app.state.receipt_signer = ReceiptSigner.from_settings(settings)
    app.include_router(router)


def get_receipt_signer(request: Request) -> ReceiptSigner:
    signer: ReceiptSigner = request.app.state.receipt_signer  # set by install_receipts (create_app)
    return signer


ReceiptSignerDep = Annotated[ReceiptSigner, Depends(get_receipt_signer)]


@router.get(
    KEYS_PATH,
    summary="The platform's receipt keys (JWKS, Ed25519): the current one and earlier ones that still verify",
)
def receipt_keys(signer: ReceiptSignerDep, response: Response) -> dict[str, Any]:
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"  # public keys: any verifier, also in a browser
    return signer.keys.published().jwks()


class FiledIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    form: dict[str, Any] | None = None


class VerifyIn(BaseModel):
    """A receipt as downloaded (extra fields are ignored), optionally with the form as filed."""

    model_config = ConfigDict(extra="ignore")
    statement: dict[str, Any] = Field(description="The signed statement, unchanged.")
    signature: str = Field(max_length=200, description="Ed25519 signature, base64url.")
    key_id: str | None = Field(default=None, max_length=100)
    form: dict[str, Any] | None = Field(
        default=None, description="Optional: the form as filed; checked against the signed digest."
    )
    filed: FiledIn | None = Field(default=None, description="The receipt download's 'filed' part (its form is used).")


class VerifyOut(BaseModel):
    valid: bool
    reason: str = Field(
        description="valid, unknown_key, key_id_mismatch, bad_signature, unsupported_statement, digest_mismatch"
    )
    message: str
    key_id: str
    key_status: str | None = Field(description="current or previous (rotated out, still published)")
    digest_checked: bool = Field(description="Whether a form was checked against the signed digest.")
    receipt_number: str | None
    filed_at: str | None
    digest: str | None


@router.post(VERIFY_PATH, response_model=VerifyOut, summary="Check a receipt's signature (and a form against it)")
def verify(body: VerifyIn, signer: ReceiptSignerDep, registry: RegistryDep) -> VerifyOut:
    """200 with ``valid`` true or false and the reason; a receipt that cannot be judged at all is a 422."""
    try:
        receipt = parse_receipt(body.model_dump(include={"statement", "signature", "key_id"}))
    except MalformedReceipt as exc:
        raise ApiError(422, exc.code, exc.message) from None
    form = body.form if body.form is not None else (body.filed.form if body.filed else None)
    verdict = verify_receipt(receipt, signer.keys.published(), form=form, normalise=registry_normaliser(registry))
    statement = receipt.statement

    def text(name: str) -> str | None:
        value = statement.get(name)
        return value if isinstance(value, str) else None

    return VerifyOut(
        valid=verdict.valid,
        reason=verdict.reason,
        message=verdict.message,
        key_id=verdict.key_id,
        key_status=verdict.key_status,
        digest_checked=verdict.digest_checked,
        receipt_number=text("receipt_number"),
        filed_at=text("filed_at"),
        digest=text("digest"),
    )

"""Signing at acceptance: the digest and the platform's signature, set on the submission before it is stored.

Runs inside ``accept_submission``'s transaction, so a submission is never stored without its receipt (nor a
receipt without its submission). It costs one SHA-256 and one Ed25519 signature (tens of microseconds).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from services.receipts.digest import filed_digest, normalised_attachments
from services.receipts.keys import ReceiptKeys
from services.receipts.statement import build_statement, sign_statement
from services.store.models import Submission

if TYPE_CHECKING:
    from services.settings import Settings


@dataclass(frozen=True)
class ReceiptSigner:
    """Signs receipts as ``issuer`` (the platform's public URL) with the current key of ``keys``."""

    keys: ReceiptKeys
    issuer: str

    @classmethod
    def from_settings(cls, settings: Settings) -> ReceiptSigner:
        return cls(ReceiptKeys.from_settings(settings), settings.resolved_public_url.rstrip("/"))

    def sign(self, submission: Submission, *, attachments: Iterable[str] = ()) -> None:
        """Fill ``filed_digest`` and the receipt columns from the submission as it is about to be stored.

        Raises ``NotCanonicalisable`` when the form holds something JSON cannot carry (a lone surrogate)."""
        hashes = normalised_attachments(attachments)
        digest = filed_digest(
            service=submission.service,
            service_version=submission.service_version,
            form=submission.form_data,
            attachments=hashes,
        )
        statement = build_statement(
            receipt_number=submission.receipt_number,
            service=submission.service,
            service_version=submission.service_version,
            channel=submission.channel,
            filed_at=submission.created_at,
            digest=digest,
            issuer=self.issuer,
            signing_key_id=self.keys.key_id,
            attachments=hashes,
        )
        signed = sign_statement(statement, self.keys.signing_key)
        submission.filed_digest = digest
        submission.receipt_statement = signed.canonical
        submission.receipt_signature = signed.signature
        submission.receipt_key_id = signed.key_id

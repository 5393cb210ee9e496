"""Signed receipts: proof of what a customer filed and when, verifiable by anyone with the published key.

- ``canonical``: RFC 8785 canonical JSON — the bytes that are hashed and signed;
- ``digest``: ``sha256:<hex>`` of the filing (service, form version, validated form, attachment hashes);
- ``statement``: the receipt statement and its Ed25519 signature;
- ``keys``: signing key from settings, earlier public keys, key ids (RFC 7638 thumbprints), JWKS;
- ``signing``: ``ReceiptSigner``, called by ``accept_submission`` in the accepting transaction;
- ``verify``: the checks shared by ``POST /api/v1/receipts/verify`` and ``ozgflow receipt verify``;
- ``document``: the receipt file for the customer and the lines in the Postfach message and e-file PDF.

docs/security.md ("Signed receipts") gives the exact format and a verification script without ozgflow.
"""

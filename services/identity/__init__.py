"""Identity: verifying bearer tokens from an OIDC issuer, and the embedded dev issuer."""

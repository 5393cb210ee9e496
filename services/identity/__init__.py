"""Identity: who is signed in, and how sure we are of it.

- ``verifier``/``jwks``/``realms``: bearer tokens verified against the issuer's JWKS (key rotation within bounds),
  per realm (customers at BundID/DeutschlandID, staff and operators at the organisation's IdP);
- ``trust``: the sign-in's eIDAS trust level (low < substantial < high) from a token claim;
- ``oidc_client``/``pkce``: the portal's side of the OIDC sign-in for the pages;
- ``dev_issuer``/``dev_provider``: the embedded development issuer, a small OIDC provider for `make run`.
"""

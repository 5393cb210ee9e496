"""The pipeline's stages in order. The portal shows them from here; assembly builds them."""

from __future__ import annotations

STAGE_ORDER: tuple[str, ...] = ("intake", "efile", "transfer", "mailbox")

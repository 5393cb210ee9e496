"""Data-subject rights and retention: the data export (Art. 15 DSGVO), erasure (Art. 17 DSGVO) and deleting
what is due per record type (docs/security.md "## Data-subject rights and retention")."""

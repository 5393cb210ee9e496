"""A connector module that fails while being imported (a typo in a product team's package)."""

raise ImportError("No module named 'reportlab_typo'")

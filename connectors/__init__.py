"""OZG service connectors. Each subpackage brings one service; ``connectors.sdk`` is the contract."""

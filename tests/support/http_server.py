"""Re-export: the loopback server helpers live in the package (services.loopback) because the benchmark and
load-test commands need them too."""

from services.loopback import UvicornThread, free_port

__all__ = ["UvicornThread", "free_port"]

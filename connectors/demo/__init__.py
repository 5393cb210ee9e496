"""Demo connectors for tests, load tests and operator training: one whose hand-over always fails and
one whose back-office system is slow (like the guided tours staff used to learn the original portal).

They are ordinary connectors; the behaviour comes from the back-office simulator, which answers their
procedure types (``DEMO-FEHLER``, ``DEMO-LANGSAM``) with an outage or a delay. Against a real ALLEGRO
they would simply be refused, so they are harmless if left installed.
"""

from connectors.demo.connector import failing, slow

__all__ = ["failing", "slow"]

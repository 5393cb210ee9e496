"""VÄM (Veränderungsmitteilung): the change notification during Bürgergeld receipt.

The entry point ``vaem = "connectors.vaem:connector"`` names the instance below.
"""

from connectors.vaem.connector import VaemConnector

connector = VaemConnector()

__all__ = ["VaemConnector", "connector"]

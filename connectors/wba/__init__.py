"""WBA (Weiterbewilligungsantrag): the continuation application for Bürgergeld.

The entry point ``wba = "connectors.wba:connector"`` names the instance below.
"""

from connectors.wba.connector import WbaConnector

connector = WbaConnector()

__all__ = ["WbaConnector", "connector"]

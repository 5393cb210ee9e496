"""Placement offers (Vermittlungsvorschläge): the two-way service between VerBIS and the customer.

The entry point ``placement = "connectors.placement:connector"`` names the instance below.
"""

from connectors.placement.connector import PlacementConnector

connector = PlacementConnector()

__all__ = ["PlacementConnector", "connector"]

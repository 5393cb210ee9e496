"""The Anlagen of the SGB II application, one connector each (service keys ``anlage_<letters>``).

An Anlage is filed with a WBA or Hauptantrag (``attach_to``) or on its own when the jobcenter asks
for it. ``common`` holds the form parts and check helpers they share, ``base`` the connector shape
(document, hand-over, receipt), ``maintenance`` what the four Unterhalt sheets UH1–UH4 share.
"""

ANLAGEN = ("wep", "ki", "kdu", "ek", "eks", "vm", "ve", "sv", "hg", "meb", "bb", "uh1", "uh2", "uh3", "uh4", "uf")
"""Module names, in the order of the BA's list of Anlagen; each module exposes ``connector``."""

"""The jobcenter staff workspace: inbox, e-file view, reply, reassign, mark processed.

Every query here is scoped to one jobcenter: staff of one jobcenter never see another's data, and an id
from another jobcenter is answered exactly like a missing one.
"""

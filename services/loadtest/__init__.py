"""`ozgflow loadtest`: Locust runs against the platform, their report and the SLO verdict a promotion needs.

Locust itself only ever runs in a child process (it monkey-patches its process with gevent, which would
break asyncio, threads and Prefect here); this package reads the files that process writes.
"""

"""Locust scenarios of ozgflow, run by `ozgflow loadtest` (or by hand: `python -m locust -f loadtests/locustfile.py`).

Nothing here may be imported by the platform or by pytest: Locust monkey-patches the process with gevent.
"""

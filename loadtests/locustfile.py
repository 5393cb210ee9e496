"""Entry point: the services under load come from OZGFLOW_LOADTEST_SERVICE (a key, keys separated by commas,
or "all"), and every installed connector gets a scenario from its examples without code of its own.

    OZGFLOW_LOADTEST_SERVICE=wba python -m locust -f loadtests/locustfile.py --host http://127.0.0.1:8000

Roles: ``customers`` (filing, polling, Postfach), ``offers`` (answering pushed placement offers) and ``staff``
(jobcenter staff working their team's inbox while the customers file; OZGFLOW_LOADTEST_STAFF=none leaves them
out).
"""

from __future__ import annotations

import logging

from loadtests.common import CONFIG, REGISTRY
from loadtests.customers import FilingCustomer, fileable
from loadtests.offers import OfferRespondent, answerable
from loadtests.staff import StaffMember

_selected = REGISTRY.keys() if CONFIG.services == ("all",) else list(CONFIG.services)
_unknown = [s for s in _selected if s not in REGISTRY]
if _unknown:
    raise SystemExit(f"unknown service(s) {_unknown}; installed: {', '.join(REGISTRY.keys())}")
_filing = tuple(s for s in _selected if fileable(s))
_answering = tuple(s for s in _selected if answerable(s))
for _skipped in sorted(set(_selected) - set(_filing) - set(_answering)):
    logging.warning("service %s has no scenario (no way to file it or to push its inbound item)", _skipped)
if not (_filing or _answering):
    raise SystemExit(f"no scenario for {_selected}")

if _filing:

    class Customer(FilingCustomer):
        abstract = False
        services = _filing
        weight = max(1, len(_filing))


if _answering:

    class Respondent(OfferRespondent):
        abstract = False
        services = _answering
        weight = max(1, len(_answering))


if CONFIG.staff_users:

    class Staff(StaffMember):
        """One staff member for every few customers: they read and act on what the customers file."""

        abstract = False
        weight = 1

"""Role: customers filing one-way services (WBA, VÄM, Anlagen, a new connector) and reading their Postfach.

Each customer files once right after signing in, then the mix is filing 1 : Postfach reading 3; every filing
is followed by polling its status until the pipeline has finished (many polls per filing).
Forms are the connector's own ``examples()``.
"""

from __future__ import annotations

import random

from locust import FastHttpUser, between, task

from loadtests.common import CONFIG, REGISTRY, Customer, file, follow, read_postfach, sign_in


def parent_for(service: str) -> str | None:
    """A service a non-standalone connector can be attached to (first installed of ``attachable_to``)."""
    connector = REGISTRY.get(service)
    if connector.standalone:
        return None
    return next((p for p in sorted(connector.attachable_to) if p in REGISTRY and REGISTRY.get(p).standalone), None)


def fileable(service: str) -> bool:
    """One-way services a customer can file by themself (two-way answers belong to ``offers``)."""
    connector = REGISTRY.get(service)
    return connector.inbound is None and (connector.standalone or parent_for(service) is not None)


class FilingCustomer(FastHttpUser):
    """Abstract: the locustfile sets ``services`` and makes a concrete subclass."""

    abstract = True
    services: tuple[str, ...] = ()
    wait_time = between(CONFIG.think_min, CONFIG.think_max)
    me: Customer

    def on_start(self) -> None:
        """A customer comes to the portal to file: the first thing after signing in is a filing, so every
        customer of even the shortest run files once (a random first task left short runs without any)."""
        parents = tuple(p for s in self.services if (p := parent_for(s)) is not None)
        self.me = sign_in(self, self.services + parents)
        self.file_and_follow()

    @task(1)
    def file_and_follow(self) -> None:
        service = random.choice(self.services)
        attach_to = None
        if (parent := parent_for(service)) is not None:
            accepted_parent = file(self, self.me, parent, random.choice(REGISTRY.get(parent).examples()))
            if accepted_parent is None:
                return
            attach_to = accepted_parent["id"]
        form = random.choice(REGISTRY.get(service).examples())
        accepted = file(self, self.me, service, form, attach_to)
        if accepted is not None:
            follow(self, self.me, accepted, service)

    @task(3)
    def read_postfach(self) -> None:
        read_postfach(self, self.me)

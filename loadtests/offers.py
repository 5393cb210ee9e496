"""Role: customers answering placement offers (two-way services whose items VerBIS pushes).

Each answer needs an open offer of its own, so the task first lets the VerBIS simulator push one to this
customer (`POST <verbis>/_simulator/offers {"bg_number"}` → the platform's inbound API → the Postfach),
reads the Postfach where it landed, then files an example answer naming that offer and follows it.
Only items of systems we can make push (VerBIS) are covered; others are skipped with a message.
"""

from __future__ import annotations

import random

from locust import FastHttpUser, between, task

from loadtests.common import CONFIG, REGISTRY, Customer, file, follow, read_postfach, sign_in

PUSHERS = {"verbis"}
"""Source systems whose simulator can push an item on request."""


def answerable(service: str) -> bool:
    inbound = REGISTRY.get(service).inbound
    return inbound is not None and inbound.source_system in PUSHERS


class OfferRespondent(FastHttpUser):
    """Abstract: the locustfile sets ``services`` and makes a concrete subclass."""

    abstract = True
    services: tuple[str, ...] = ()
    wait_time = between(CONFIG.think_min, CONFIG.think_max)
    me: Customer

    def on_start(self) -> None:
        """Customers come because an offer arrived: each answers one first, so short runs answer at all."""
        self.me = sign_in(self, self.services)
        self.answer_offer()

    def _push_offer(self) -> str | None:
        with self.client.post(
            f"{CONFIG.verbis_url}/_simulator/offers",
            json={"bg_number": self.me.bg_number},
            name="simulator: push offer",
            catch_response=True,
        ) as response:
            results = response.json().get("results", []) if response.status_code == 200 else []
            if not results or results[0].get("status") != 201:
                response.failure(f"offer not delivered: {(response.text or '')[:200]}")
                return None
            return str(results[0]["offer_id"])

    @task(1)
    def answer_offer(self) -> None:
        offer_id = self._push_offer()
        if offer_id is None:
            return
        read_postfach(self, self.me)
        service = random.choice(self.services)
        connector = REGISTRY.get(service)
        form = {**random.choice(connector.examples()), connector.inbound_reference_field: offer_id}
        accepted = file(self, self.me, service, form)
        if accepted is not None:
            follow(self, self.me, accepted, service)

    @task(3)
    def read_postfach(self) -> None:
        read_postfach(self, self.me)

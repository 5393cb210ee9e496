"""The public catalogue lists every connector with schema and valid examples."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_catalogue_lists_wba_and_vaem_without_login(client: TestClient) -> None:
    response = client.get("/api/v1/services")
    assert response.status_code == 200
    by_key = {s["key"]: s for s in response.json()}
    assert {"wba", "vaem"} <= set(by_key)
    wba = by_key["wba"]
    assert wba["title"].startswith("Weiterbewilligungsantrag")
    assert wba["leika_key"].startswith("urn:de:fim:leika:leistung:")
    assert wba["submit_url"] == "/api/v1/submissions/wba"
    for service in by_key.values():  # issue 3, item 8: everything a front-end needs to offer the service
        assert {"key", "title", "version", "maturity", "roadmap_stage", "standalone", "attachable_to"} <= set(service)


def test_service_detail_has_schema_and_examples_that_the_portal_accepts(client: TestClient, token_for) -> None:  # type: ignore[no-untyped-def]
    for key in ("wba", "vaem"):
        detail = client.get(f"/api/v1/services/{key}").json()
        assert detail["json_schema"]["type"] == "object"
        assert detail["json_schema"]["properties"]
        assert detail["examples"], key
        for example in detail["examples"]:
            accepted = client.post(f"/api/v1/submissions/{key}", json=example, headers=token_for("kd-1001"))
            assert accepted.status_code == 202, accepted.json()
        assert client.get(f"/api/v1/services/{key}/schema").json() == detail["json_schema"]


def test_unknown_service_is_a_404_with_code(client: TestClient) -> None:
    response = client.get("/api/v1/services/kindergeld")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_service"
    assert "wba" in response.json()["error"]["message"]


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and "wba" in ready["connectors"]

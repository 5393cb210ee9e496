"""Once-only: a WBA draft prefilled from the last WBA; each section confirmed or changed before filing."""

from __future__ import annotations

import copy

from fastapi.testclient import TestClient

from connectors.sdk.registry import ConnectorRegistry


def _file_first_wba(client: TestClient, registry: ConnectorRegistry, headers: dict[str, str], index: int = -1) -> str:
    form = copy.deepcopy(registry.get("wba").examples()[index])
    response = client.post("/api/v1/submissions/wba", json=form, headers=headers)
    assert response.status_code == 202
    return response.json()["id"]


def test_draft_needs_an_earlier_filing(client: TestClient, token_for) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/api/v1/drafts/wba", headers=token_for("kd-1001"))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "nothing_to_prefill"


def test_prefilled_wba_is_confirmed_section_by_section_then_filed(
    client: TestClient,
    registry: ConnectorRegistry,
    token_for,  # type: ignore[no-untyped-def]
) -> None:
    headers = token_for("kd-1001")
    previous_id = _file_first_wba(client, registry, headers)
    draft = client.post("/api/v1/drafts/wba", headers=headers).json()
    assert draft["source_submission_id"] == previous_id
    assert draft["sections"]["housing"] == "prefilled"
    assert draft["form"]["housing"] == {"changed": False}
    assert draft["sections"]["declarations"] == "missing"  # declarations are never carried over
    previous_assets = registry.get("wba").examples()[-1]["assets"]
    assert draft["form"]["assets"]["exceeds_protected_amount"] == previous_assets["exceeds_protected_amount"]

    refused = client.post(f"/api/v1/drafts/{draft['id']}/submit", headers=headers)
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "sections_unconfirmed"
    assert "Erklärungen" in refused.json()["error"]["message"]

    for section in ("household", "income", "housing", "assets", "health_insurance"):
        assert (
            client.put(
                f"/api/v1/drafts/{draft['id']}/sections/{section}", json={"confirm": True}, headers=headers
            ).status_code
            == 200
        )
    new_bank = {"changed": True, "iban": "DE02 1203 0000 0000 2020 51", "account_holder": "Anna Schmidt"}
    changed = client.put(
        f"/api/v1/drafts/{draft['id']}/sections/bank_details", json={"value": new_bank}, headers=headers
    ).json()
    assert changed["sections"]["bank_details"] == "changed"
    assert changed["form"]["bank_details"]["iban"] == "DE02120300000000202051"
    cannot_confirm_missing = client.put(
        f"/api/v1/drafts/{draft['id']}/sections/declarations", json={"confirm": True}, headers=headers
    )
    assert cannot_confirm_missing.status_code == 422
    declarations = {"truthful_information": True, "duty_to_report_changes": True, "data_processing_acknowledged": True}
    client.put(f"/api/v1/drafts/{draft['id']}/sections/declarations", json={"value": declarations}, headers=headers)

    filed = client.post(f"/api/v1/drafts/{draft['id']}/submit", headers=headers)
    assert filed.status_code == 202
    again = client.post(f"/api/v1/drafts/{draft['id']}/submit", headers=headers)
    assert again.json()["id"] == filed.json()["id"]
    assert client.get(f"/api/v1/drafts/{draft['id']}", headers=headers).json()["submission_id"] == filed.json()["id"]
    late = client.put(f"/api/v1/drafts/{draft['id']}/sections/housing", json={"confirm": True}, headers=headers)
    assert late.status_code == 409 and late.json()["error"]["code"] == "draft_submitted"


def test_invalid_section_values_are_refused_with_section_paths(
    client: TestClient,
    registry: ConnectorRegistry,
    token_for,  # type: ignore[no-untyped-def]
) -> None:
    headers = token_for("kd-1002")
    _file_first_wba(client, registry, headers)
    draft = client.post("/api/v1/drafts/wba", headers=headers).json()
    bad = client.put(
        f"/api/v1/drafts/{draft['id']}/sections/bank_details",
        json={"value": {"changed": True, "iban": "DE00 1234", "account_holder": "X Y"}},
        headers=headers,
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["fields"][0]["field"].startswith("bank_details.iban")
    unknown = client.put(f"/api/v1/drafts/{draft['id']}/sections/hobbies", json={"confirm": True}, headers=headers)
    assert unknown.status_code == 422 and unknown.json()["error"]["code"] == "unknown_section"
    other = client.get(f"/api/v1/drafts/{draft['id']}", headers=token_for("kd-1001"))
    assert other.status_code == 404

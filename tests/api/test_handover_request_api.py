"""A case worker's request to hand their case over, through the API (CC-9):
POST /api/v1/cases/<id>/handover-request/ and .../handover-request/withdraw/ run the services
the page runs. Only the case's case worker (others 403, or 404 when they cannot see the case);
refusals come back in the error envelope and change nothing."""

from typing import Any

import pytest
from django.test import Client

from haven.accounts.models import User
from haven.audit.models import AuditEvent
from haven.cases.models import Case, HandoverRequest
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db

SENTENCE = "Fictional: I am moving to the northern office next month."


def _ask(client: Client, case: Case, data: dict[str, Any]) -> Any:
    return client.post(
        f"/api/v1/cases/{case.public_id}/handover-request/", data, content_type="application/json"
    )


def _withdraw(client: Client, case: Case) -> Any:
    return client.post(
        f"/api/v1/cases/{case.public_id}/handover-request/withdraw/",
        {},
        content_type="application/json",
    )


def _state() -> tuple[list[tuple[Any, ...]], int]:
    return (
        list(HandoverRequest.objects.order_by("pk").values_list("pk", "resolved_at", "outcome")),
        AuditEvent.objects.count(),
    )


def test_cc9_the_case_worker_asks_and_withdraws_through_the_api(
    client: Client, case: Case, case_worker: User
) -> None:
    signed_in(client, case_worker)

    asked = _ask(client, case, {"reason": "leaving", "note": SENTENCE})

    assert asked.status_code == 201
    body = asked.json()
    row = HandoverRequest.objects.get(case=case)
    assert body == {
        "id": str(row.public_id),
        "case": str(case.public_id),
        "reason": "leaving",
        "note": SENTENCE,
        "asked_by": str(case_worker.public_id),
        "asked_by_name": case_worker.get_full_name(),
        "asked_at": body["asked_at"],
        "resolved_at": None,
        "outcome": "",
    }

    withdrawn = _withdraw(client, case)

    assert withdrawn.status_code == 200
    assert withdrawn.json()["outcome"] == "withdrawn"
    assert withdrawn.json()["resolved_at"] is not None
    row.refresh_from_db()
    assert row.outcome == "withdrawn"


@pytest.mark.parametrize(
    ("caller", "status", "code"),
    [
        ("supervisor", 403, "permission_denied"),
        ("assigned_interpreter", 403, "permission_denied"),
        ("unassigned_case_worker", 404, "not_found"),
        ("outsider", 404, "not_found"),
    ],
)
def test_cc9_only_the_case_worker_may_ask_through_the_api(
    client: Client,
    case: Case,
    request: pytest.FixtureRequest,
    caller: str,
    status: int,
    code: str,
) -> None:
    signed_in(client, request.getfixturevalue(caller))
    before = _state()

    # The refusal does not depend on the payload: bad input still gets the same answer.
    for data in ({"reason": "too_many_cases"}, {}):
        response = _ask(client, case, data)
        assert response.status_code == status
        assert response.json()["error"]["code"] == code
    assert _withdraw(client, case).status_code == status

    assert _state() == before


def test_cc9_a_second_request_and_bad_input_come_back_in_the_envelope(
    client: Client, case: Case, case_worker: User
) -> None:
    signed_in(client, case_worker)
    assert _ask(client, case, {"reason": "too_many_cases"}).status_code == 201
    before = _state()

    second = _ask(client, case, {"reason": "leaving"})
    no_reason = _ask(client, case, {"reason": "cooperation"})
    other_without_sentence = _ask(client, case, {"reason": "other"})

    assert second.status_code == 400
    assert second.json() == {
        "error": {
            "code": "invalid",
            "message": "Check the highlighted fields.",
            "fields": {
                "non_field_errors": [
                    "You have already asked to hand over this case, and a supervisor has not "
                    "answered yet. Withdraw that request first if the reason has changed."
                ]
            },
        }
    }
    assert no_reason.status_code == 400
    assert list(no_reason.json()["error"]["fields"]) == ["reason"]
    assert other_without_sentence.status_code == 400
    assert _state() == before


def test_cc9_withdrawing_with_no_open_request_is_a_400_that_changes_nothing(
    client: Client, case: Case, case_worker: User
) -> None:
    signed_in(client, case_worker)
    before = _state()

    response = _withdraw(client, case)

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "non_field_errors": ["There is no open request to withdraw."]
    }
    assert _state() == before


def test_dp1_a_reader_without_narratives_does_not_get_the_sentence(
    case: Case, case_worker: User
) -> None:
    from haven.api.serializers import HandoverRequestSerializer
    from haven.cases.staff import handover_request
    from haven.core.sensitivity import Sensitivity as S

    asked = handover_request(case=case, actor=case_worker, reason="other", note=SENTENCE)

    data = HandoverRequestSerializer(asked, context={"readable": frozenset({S.BASIC})}).data

    assert "note" not in data
    assert data["reason"] == "other"

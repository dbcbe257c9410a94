"""A case worker asks for their case to be handed over (CC-9): only the case's case worker asks,
one open request per case, they may withdraw it, and assigning a new case worker meets it in
the same write. Supervisors of the lead agency see open requests first under "Cases to hand
over"; another agency's do not (DP-2). Refused requests change nothing."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.audit.models import AuditEvent
from haven.cases.models import Case, HandoverRequest
from haven.cases.services import case_assign
from haven.cases.staff import handover_request, handover_request_withdraw
from tests.conftest import signed_in
from tests.factories import staff

pytestmark = pytest.mark.django_db

NOTE = "Fictional handover: she draws before she talks; her aunt visits on Sundays."
SENTENCE = "Fictional: I am moving to the northern office next month."


def _state() -> tuple[list[tuple[Any, ...]], int]:
    return (
        list(
            HandoverRequest.objects.order_by("pk").values_list(
                "pk", "reason", "resolved_at", "outcome"
            )
        ),
        AuditEvent.objects.count(),
    )


def _ask(client: Client, case: Case, **data: str) -> Any:
    return client.post(
        f"/cases/{case.public_id}/handover-request/", {"reason": "too_many_cases", **data}
    )


def test_cc9_the_case_worker_asks_and_the_supervisor_sees_it_first(
    client: Client, case: Case, case_worker: User, supervisor: User, agency: Any
) -> None:
    signed_in(client, case_worker)
    assert (
        "Ask to hand over the case"
        in client.get(f"/cases/{case.public_id}/handover-request/").content.decode()
    )

    response = _ask(client, case, reason="leaving", note=SENTENCE)

    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.public_id}/handover-request/"
    asked = HandoverRequest.objects.get(case=case)
    assert (asked.reason, asked.note, asked.created_by, asked.resolved_at, asked.outcome) == (
        "leaving",
        SENTENCE,
        case_worker,
        None,
        "",
    )
    page = client.get(f"/cases/{case.public_id}/handover-request/").content.decode()
    assert "Your request is open" in page
    assert "Leaving the agency." in page
    assert "Withdraw the request: I keep the case" in page

    # Then the supervisor sees it above the cases without a case worker
    hand_over = signed_in(Client(), supervisor).get("/cases/hand-over/").content.decode()
    assert hand_over.index("Case workers asking to hand over a case") < hand_over.index(
        "Cases with no case worker"
    )
    assert case.reference in hand_over
    assert f"{case_worker} · Leaving the agency · asked on" in hand_over
    assert f'href="/cases/{case.public_id}/assign/">Choose a new case worker</a>' in hand_over


def test_cc9_the_assignment_page_opens_on_case_workers_and_shows_the_request(
    client: Client, case: Case, case_worker: User, supervisor: User
) -> None:
    handover_request(case=case, actor=case_worker, reason="conflict", note=SENTENCE)

    page = signed_in(client, supervisor).get(f"/cases/{case.public_id}/assign/").content.decode()

    assert f"{case_worker} asked on" in page
    assert "A conflict of interest, or the child asked for someone else." in page
    assert SENTENCE in page
    assert '<input type="hidden" name="role" value="case_worker">' in page


@pytest.mark.parametrize(
    ("caller", "status"),
    [
        ("supervisor", 403),  # sees the case, but is not its case worker
        ("assigned_interpreter", 403),
        ("unassigned_case_worker", 404),  # cannot see the case
        ("outsider", 404),
    ],
)
def test_cc9_only_the_case_worker_may_ask_and_a_refusal_changes_nothing(
    client: Client, case: Case, request: pytest.FixtureRequest, caller: str, status: int
) -> None:
    user = request.getfixturevalue(caller)
    signed_in(client, user)
    before = _state()

    assert client.get(f"/cases/{case.public_id}/handover-request/").status_code == status
    assert _ask(client, case).status_code == status
    with pytest.raises(PermissionDenied):
        handover_request(case=case, actor=user, reason="too_many_cases")

    assert _state() == before


def test_cc9_a_second_open_request_is_refused_and_changes_nothing(
    client: Client, case: Case, case_worker: User
) -> None:
    handover_request(case=case, actor=case_worker, reason="too_many_cases")
    before = _state()

    with pytest.raises(ValidationError) as refused:
        handover_request(case=case, actor=case_worker, reason="leaving")
    response = _ask(signed_in(client, case_worker), case, reason="leaving")

    message = (
        "You have already asked to hand over this case, and a supervisor has not answered "
        "yet. Withdraw that request first if the reason has changed."
    )
    assert refused.value.messages == [message]
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _state() == before


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"reason": "other"}, "note", "Say in a sentence why the case should be handed over."),
        ({"reason": "cooperation"}, "reason", "Choose why the case should be handed over."),
        (
            {"reason": "leaving", "note": "x" * 501},
            "note",
            "Keep it shorter than 500 characters.",
        ),
    ],
)
def test_cc9_a_request_without_a_reason_is_refused(
    case: Case, case_worker: User, data: dict[str, str], field: str, message: str
) -> None:
    before = _state()

    with pytest.raises(ValidationError) as refused:
        handover_request(case=case, actor=case_worker, **data)

    assert refused.value.message_dict == {field: [message]}
    assert _state() == before


def test_cc9_the_case_worker_withdraws_the_request_and_keeps_the_case(
    client: Client, case: Case, case_worker: User, supervisor: User
) -> None:
    handover_request(case=case, actor=case_worker, reason="too_many_cases")
    signed_in(client, case_worker)

    response = client.post(f"/cases/{case.public_id}/handover-request/withdraw/")

    assert response.status_code == 302
    asked = HandoverRequest.objects.get(case=case)
    assert (asked.outcome, asked.resolved_by) == ("withdrawn", case_worker)
    assert asked.resolved_at is not None
    assert (
        "Ask to hand over the case"
        in client.get(f"/cases/{case.public_id}/handover-request/").content.decode()
    )
    assert (
        case.reference
        not in signed_in(Client(), supervisor).get("/cases/hand-over/").content.decode()
    )
    # Withdrawing twice is refused with a message, and changes nothing
    before = _state()
    again = client.post(f"/cases/{case.public_id}/handover-request/withdraw/")
    assert again.status_code == 400
    assert "There is no open request to withdraw." in again.content.decode()
    with pytest.raises(ValidationError):
        handover_request_withdraw(request=asked, actor=case_worker)
    assert _state() == before


def test_cc9_only_the_case_worker_withdraws(
    case: Case, case_worker: User, supervisor: User, client: Client
) -> None:
    asked = handover_request(case=case, actor=case_worker, reason="too_many_cases")
    before = _state()

    with pytest.raises(PermissionDenied):
        handover_request_withdraw(request=asked, actor=supervisor)
    response = signed_in(client, supervisor).post(
        f"/cases/{case.public_id}/handover-request/withdraw/"
    )

    assert response.status_code == 403
    assert _state() == before


def test_cc9_a_new_case_worker_meets_the_request_in_the_same_write(
    case: Case, case_worker: User, supervisor: User, agency: Any
) -> None:
    asked = handover_request(case=case, actor=case_worker, reason="too_many_cases")
    successor = staff(agency, Role.CASE_WORKER, username="successor")

    case_assign(case=case, actor=supervisor, user=successor, role="case_worker", handover_note=NOTE)

    asked.refresh_from_db()
    assert (asked.outcome, asked.resolved_by) == ("handed_over", supervisor)
    event = AuditEvent.objects.get(action="handover.complete")
    assert (event.case_id, event.changes["outcome"]) == (case.pk, [None, "handed_over"])
    # The earlier case worker may ask nothing more of the case
    with pytest.raises(PermissionDenied):
        handover_request(case=case, actor=case_worker, reason="leaving")


def test_cc9_a_handover_refused_leaves_the_request_open(
    case: Case, case_worker: User, supervisor: User, agency: Any
) -> None:
    handover_request(case=case, actor=case_worker, reason="too_many_cases")
    successor = staff(agency, Role.CASE_WORKER, username="successor")
    before = _state()

    with pytest.raises(ValidationError):
        case_assign(case=case, actor=supervisor, user=successor, role="case_worker")

    assert _state() == before


def test_cc9_assigning_someone_else_on_the_case_leaves_the_request_open(
    case: Case, case_worker: User, supervisor: User, other_agency: Any
) -> None:
    asked = handover_request(case=case, actor=case_worker, reason="too_many_cases")

    case_assign(
        case=case,
        actor=supervisor,
        user=staff(other_agency, Role.INTERPRETER, username="interp2"),
        role="interpreter",
    )

    asked.refresh_from_db()
    assert (asked.resolved_at, asked.outcome) == (None, "")


def test_dp2_another_agencys_supervisor_does_not_see_the_request(
    case: Case, case_worker: User, other_agency: Any
) -> None:
    handover_request(case=case, actor=case_worker, reason="too_many_cases")
    other_supervisor = staff(other_agency, Role.SUPERVISOR, username="other_sup")

    page = signed_in(Client(), other_supervisor).get("/cases/hand-over/").content.decode()

    assert case.reference not in page
    assert "Case workers asking to hand over a case" not in page


def test_cc9_the_timeline_says_a_handover_was_asked_for_and_why(
    client: Client, case: Case, case_worker: User, supervisor: User, agency: Any
) -> None:
    handover_request(case=case, actor=case_worker, reason="too_many_cases")
    successor = staff(agency, Role.CASE_WORKER, username="successor")
    case_assign(case=case, actor=supervisor, user=successor, role="case_worker", handover_note=NOTE)

    page = signed_in(client, supervisor).get(f"/cases/{case.public_id}/").content.decode()

    assert f"Handover requested: Too many cases · {case_worker.get_full_name()}" in page
    assert (
        f"Handover request met: a new case worker is assigned · {supervisor.get_full_name()}"
        in page
    )


def test_dp3_the_sentence_is_encrypted_and_never_in_the_audit_trail(
    case: Case, case_worker: User
) -> None:
    asked = handover_request(case=case, actor=case_worker, reason="other", note=SENTENCE)

    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM cases_handoverrequest WHERE id = %s", [asked.pk])
        stored = cursor.fetchone()[0]
    event = AuditEvent.objects.get(action="handover.request")
    assert SENTENCE not in stored
    assert event.changes == {"reason": [None, "other"], "note": [None, "[changed]"]}
    assert SENTENCE not in str(event.changes)


def test_cc9_the_hand_over_page_reads_as_many_queries_for_many_requests_as_for_one(
    case: Case, case_worker: User, supervisor: User, agency: Any, django_assert_num_queries: Any
) -> None:
    from django.test.utils import CaptureQueriesContext

    from haven.cases.services import case_register
    from tests.factories import child_fields

    handover_request(case=case, actor=case_worker, reason="too_many_cases")
    client = signed_in(Client(), supervisor)
    # The menu's figures are counted on the first page, then kept a minute: count from the second.
    client.get("/cases/hand-over/")
    with CaptureQueriesContext(connection) as one:
        assert client.get("/cases/hand-over/").status_code == 200
    for n in range(4):
        worker = staff(agency, Role.CASE_WORKER, username=f"cw{n}")
        other = case_register(actor=worker, agency=agency, child=child_fields())
        handover_request(case=other, actor=worker, reason="leaving")

    with django_assert_num_queries(len(one)):
        page = client.get("/cases/hand-over/").content.decode()
    assert page.count("Choose a new case worker") == 5

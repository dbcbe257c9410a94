"""Handing a child's case over to another agency (RR-7, DP-5, DP-9, DP-16): a supervisor asks,
with a sharing basis and the data points agreed; the receiving agency accepts; the sending case
closes as handed over, a case for the same child opens there with the accepting person as case
worker, and the receiving agency reads the sending case only in the agreed classes. A return
across a border also needs the destination's risks, the child's views and a determination.
Refused, changing nothing: no data-sharing assessment, no basis, a child held, a case worker
asking, someone outside the receiving agency answering. Service, page and API."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from haven.accounts.roles import Role
from haven.audit.models import AuditEvent
from haven.cases.access import cases_for_user, readable
from haven.cases.models import Case, CaseAssignment
from haven.cases.selectors import retelling_count
from haven.cases.services import case_change_stage
from haven.core.errors import SafeguardViolation
from haven.directory.models import Referral, Transfer
from haven.directory.transfers import (
    transfer_accept,
    transfer_decline,
    transfer_request,
    transfer_withdraw,
)
from haven.placements.services import placement_record
from tests.conftest import signed_in
from tests.factories import determination, interview, staff

pytestmark = pytest.mark.django_db

WHY = "Fictional: the family moved to the shelter's province; the shelter's team will follow her."
NOTE = "Fictional: no place for a girl of her age this month."


@pytest.fixture
def receiver(shelter: Any) -> Any:
    """A case worker of the receiving agency: takes the case as its case worker."""
    return staff(shelter, Role.CASE_WORKER, username="kh_worker", first_name="Sokha")


def _state() -> tuple[Any, ...]:
    return (
        sorted(Case.objects.values_list("pk", "stage", "lead_agency_id")),
        sorted(Transfer.objects.values_list("status", flat=True)),
        Referral.objects.count(),
        CaseAssignment.objects.count(),
        AuditEvent.objects.count(),
    )


def _ask(case: Case, actor: Any, to: Any, **overrides: Any) -> Transfer:
    fields: dict[str, Any] = {
        "to_agency": to,
        "kind": "agency",
        "reason": WHY,
        "data_points": ["health"],
        **overrides,
    }
    return transfer_request(case=case, actor=actor, **fields)


def test_rr7_dp9_an_accepted_transfer_hands_the_child_over_with_the_agreed_data_points(
    case: Case,
    case_worker: Any,
    supervisor: Any,
    shelter: Any,
    receiver: Any,
    assessment: Any,
    consent: Any,
) -> None:
    interview(case, case_worker)
    transfer = _ask(case, supervisor, shelter, consent=consent)
    assert transfer.data_points == ["basic", "identity", "health"]

    accepted = transfer_accept(transfer=transfer, actor=receiver)

    case.refresh_from_db()
    new = accepted.new_case
    assert (case.stage, case.closed_reason) == (Case.Stage.CLOSED, "transferred")
    assert (new.lead_agency, new.child_id, new.stage) == (
        shelter,
        case.child_id,
        Case.Stage.IDENTIFICATION,
    )
    worker = CaseAssignment.objects.get(case=new, role="case_worker")
    assert worker.user == receiver
    assert retelling_count(new) == 1
    # The receiving case worker reads the sending case in the agreed classes only (DP-9)...
    assert accepted.referral.status == "accepted"
    assert readable(receiver, Case.objects.get(pk=case.pk)) == {"basic", "identity", "health"}
    # ...and the sending agency keeps its closed case, not the new one (DP-2).
    assert set(cases_for_user(supervisor).filter(child_id=case.child_id)) == {case}
    assert accepted.status == "accepted"
    assert AuditEvent.objects.filter(case_id=new.pk, action="transfer.accept").count() == 1


def test_dp16_a_transfer_to_an_agency_without_a_sharing_assessment_is_refused(
    case: Case, supervisor: Any, shelter: Any, consent: Any
) -> None:
    before = _state()

    with pytest.raises(SafeguardViolation) as refused:
        _ask(case, supervisor, shelter, consent=consent)

    assert refused.value.measure_id == "DP-16"
    assert _state() == before


def test_dp5_a_transfer_without_consent_or_a_legal_basis_is_refused(
    case: Case, supervisor: Any, shelter: Any, assessment: Any
) -> None:
    before = _state()

    with pytest.raises(SafeguardViolation) as refused:
        _ask(case, supervisor, shelter)

    assert refused.value.measure_id == "DP-5"
    assert _state() == before


def test_rr7_a_case_worker_does_not_ask_since_it_closes_the_case(
    case: Case, case_worker: Any, shelter: Any, assessment: Any, consent: Any
) -> None:
    before = _state()

    with pytest.raises(PermissionDenied):
        _ask(case, case_worker, shelter, consent=consent)

    assert _state() == before


def _held(case: Case, actor: Any) -> None:
    placement_record(
        case=case,
        actor=actor,
        type="police_cell",
        facility="Fictional District Police Station",
        start_on=timezone.localdate(),
        urgent_reason="Fictional: found at night, no shelter bed.",
    )


def test_nd2_rr7_a_child_held_is_not_handed_over_when_asked_or_when_accepted(
    case: Case,
    case_worker: Any,
    supervisor: Any,
    shelter: Any,
    receiver: Any,
    assessment: Any,
    consent: Any,
) -> None:
    transfer = _ask(case, supervisor, shelter, consent=consent)
    _held(case, case_worker)
    before = _state()

    with pytest.raises(SafeguardViolation) as at_accept:
        transfer_accept(transfer=transfer, actor=receiver)
    assert at_accept.value.measure_id == "ND-2"
    assert _state() == before

    transfer_withdraw(transfer=transfer, actor=supervisor, note=NOTE)
    withdrawn = _state()
    with pytest.raises(SafeguardViolation) as at_ask:
        _ask(case, supervisor, shelter, consent=consent)
    assert at_ask.value.measure_id == "ND-2"
    assert _state() == withdrawn


def test_rr7_cc2_a_return_across_a_border_needs_risks_views_and_a_determination(
    case: Case, supervisor: Any, shelter: Any, assessment: Any, consent: Any, agency: Any
) -> None:
    before = _state()

    with pytest.raises(ValidationError) as refused:
        _ask(case, supervisor, shelter, consent=consent, kind="return")

    assert set(refused.value.message_dict) == {"destination_risks", "child_views", "decision"}
    assert _state() == before

    bid = determination(case, supervisor, "return")
    transfer = _ask(
        case,
        supervisor,
        shelter,
        consent=consent,
        kind="return",
        destination_risks="Fictional: the recruiter lives in the next village; the NGO visits.",
        child_views="Fictional: I want to go home to my grandmother.",
        decision=bid,
    )
    assert (transfer.kind, transfer.decision) == ("return", bid)


def test_rr7_a_return_goes_to_an_agency_of_another_country(
    case: Case, supervisor: Any, assessment: Any, consent: Any, agency: Any
) -> None:
    same_country = type(agency).objects.create(name="Fictional Provincial Office", country="TH")
    before = _state()

    with pytest.raises(ValidationError) as refused:
        _ask(
            case,
            supervisor,
            same_country,
            legal_basis="legal_obligation",
            legal_basis_justification="Fictional: the court ordered the return home.",
            kind="return",
            destination_risks="Fictional risks.",
            child_views="Fictional views.",
            decision=determination(case, supervisor, "return"),
        )

    assert "to_agency" in refused.value.message_dict
    assert _state()[0] == before[0]


def test_rr7_a_declined_transfer_keeps_the_case_here_and_needs_a_note(
    case: Case, supervisor: Any, shelter: Any, receiver: Any, assessment: Any, consent: Any
) -> None:
    transfer = _ask(case, supervisor, shelter, consent=consent)
    before = _state()
    with pytest.raises(ValidationError):
        transfer_decline(transfer=transfer, actor=receiver, note=" ")
    assert _state() == before

    transfer_decline(transfer=transfer, actor=receiver, note=NOTE)

    transfer.refresh_from_db()
    case.refresh_from_db()
    assert (transfer.status, transfer.decision_note) == ("declined", NOTE)
    assert (case.stage, case.lead_agency_id) == (
        Case.Stage.IDENTIFICATION,
        supervisor.memberships.get().agency_id,
    )


def test_rr7_only_someone_of_the_receiving_agency_who_takes_cases_answers(
    case: Case,
    supervisor: Any,
    shelter: Any,
    assessment: Any,
    consent: Any,
    psychologist: Any,
) -> None:
    transfer = _ask(case, supervisor, shelter, consent=consent)
    stranger = staff(
        type(shelter).objects.create(name="Fictional Third Agency", country="LA"),
        Role.CASE_WORKER,
    )
    before = _state()

    # The shelter's psychologist takes no case; the sender and a third agency are not the
    # receiving agency.
    for someone in (psychologist, supervisor, stranger):
        with pytest.raises(PermissionDenied):
            transfer_accept(transfer=transfer, actor=someone)

    assert _state() == before


def test_rr6_rr7_a_handed_over_case_does_not_reopen_while_the_new_case_is_open(
    case: Case, supervisor: Any, shelter: Any, receiver: Any, assessment: Any, consent: Any
) -> None:
    transfer_accept(transfer=_ask(case, supervisor, shelter, consent=consent), actor=receiver)
    before = _state()

    with pytest.raises(ValidationError) as refused:
        case_change_stage(
            case=case, actor=supervisor, to_stage="protection", reason="Fictional: came back."
        )

    assert "is still open at Fictional Shelter Network" in str(refused.value)
    assert _state() == before


# --- the pages ------------------------------------------------------------------------------------


def test_rr7_the_pages_ask_show_the_request_without_a_name_and_take_over(
    client: Client,
    case: Case,
    supervisor: Any,
    shelter: Any,
    receiver: Any,
    assessment: Any,
    consent: Any,
) -> None:
    sender = signed_in(client, supervisor)
    assert "Hand over to another agency" in sender.get(f"/cases/{case.public_id}/").content.decode()
    asked = sender.post(
        f"/cases/{case.public_id}/transfers/",
        {
            "to_agency": str(shelter.public_id),
            "kind": "agency",
            "reason": WHY,
            "data_points": ["health"],
            "consent": str(consent.public_id),
        },
        follow=True,
    )
    assert "the case stays here until they accept" in asked.content.decode()
    transfer = Transfer.objects.get()

    other = signed_in(Client(), receiver)
    # The menu's count of what waits for the agency includes the request (CC-15).
    assert "1 referral waiting" in other.get("/directory/").content.decode()
    inbox = other.get("/directory/referrals/incoming/").content.decode()
    assert "Cases other agencies ask you to take over" in inbox
    assert WHY.replace("'", "&#x27;") in inbox
    assert case.child.given_name not in inbox
    taken = other.post(f"/directory/transfers/{transfer.public_id}/accept/", follow=True)
    assert "you are the child&#x27;s case worker" in taken.content.decode()
    transfer.refresh_from_db()
    assert taken.redirect_chain[-1][0] == f"/cases/{transfer.new_case.public_id}/"


def test_dp16_the_page_refuses_a_transfer_without_an_assessment_with_400(
    client: Client, case: Case, supervisor: Any, shelter: Any, consent: Any
) -> None:
    before = _state()

    response = signed_in(client, supervisor).post(
        f"/cases/{case.public_id}/transfers/",
        {
            "to_agency": str(shelter.public_id),
            "kind": "agency",
            "reason": WHY,
            "consent": str(consent.public_id),
        },
    )

    assert response.status_code == 400
    assert "no approved data-sharing assessment" in response.content.decode()
    assert _state() == before


# --- the API --------------------------------------------------------------------------------------


def test_rr7_the_api_asks_lists_the_inbox_and_takes_over(
    client: Client,
    case: Case,
    case_worker: Any,
    supervisor: Any,
    shelter: Any,
    receiver: Any,
    assessment: Any,
    consent: Any,
) -> None:
    payload = {
        "to_agency": str(shelter.public_id),
        "kind": "agency",
        "reason": WHY,
        "data_points": ["health"],
        "consent": str(consent.public_id),
    }
    before = _state()
    refused = signed_in(client, case_worker).post(
        f"/api/v1/cases/{case.public_id}/transfers/", payload, content_type="application/json"
    )
    assert refused.status_code == 403
    assert _state() == before

    asked = signed_in(Client(), supervisor).post(
        f"/api/v1/cases/{case.public_id}/transfers/", payload, content_type="application/json"
    )
    assert asked.status_code == 201
    assert asked.json()["data_points"] == ["basic", "identity", "health"]

    other = signed_in(Client(), receiver)
    inbox = other.get("/api/v1/directory/transfers/incoming/").json()
    assert [t["id"] for t in inbox] == [asked.json()["id"]]
    assert "name" not in str(inbox[0].keys())
    taken = other.post(f"/api/v1/directory/transfers/{asked.json()['id']}/accept/")
    assert taken.status_code == 201
    new = Case.objects.get(public_id=taken.json()["case"])
    assert (new.lead_agency, new.child_id) == (shelter, case.child_id)


def test_rr7_the_api_answers_404_to_an_outsider_on_both_sides(
    client: Client, case: Case, supervisor: Any, shelter: Any, assessment: Any, consent: Any
) -> None:
    transfer = _ask(case, supervisor, shelter, consent=consent)
    stranger = staff(
        type(shelter).objects.create(name="Fictional Third Agency", country="LA"),
        Role.CASE_WORKER,
    )
    before = _state()
    api = signed_in(client, stranger)

    listed = api.get(f"/api/v1/cases/{case.public_id}/transfers/")
    taken = api.post(f"/api/v1/directory/transfers/{transfer.public_id}/accept/")

    assert (listed.status_code, taken.status_code) == (404, 404)
    assert _state() == before

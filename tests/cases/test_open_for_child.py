"""The same child when they come back (RR-6): a new case for a child Haven already knows, opened
from one of their earlier cases, keeps the child's record and the count of times they told their
story; its first steps are asked again; the earlier case shows from the new one to those who
may see it, and by its agency alone to the others. Refused while a case of the child is still
open, or by someone who cannot see the earlier case; a refused opening changes nothing."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from haven.accounts.roles import Role
from haven.audit.models import AuditEvent
from haven.cases.models import AssignmentRole, Case, CaseAssignment
from haven.cases.selectors import other_cases, retelling_count
from haven.cases.services import case_open_for_child
from haven.children.models import Child
from haven.identification.models import FirstStep
from haven.identification.services import screening_record
from tests.conftest import signed_in
from tests.factories import close_case, interview, staff

pytestmark = pytest.mark.django_db


def _state() -> tuple[int, int, int, int]:
    return (
        Case.objects.count(),
        Child.objects.count(),
        CaseAssignment.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def closed(case: Case, case_worker: Any) -> Case:
    """The child told their story twice, then the case closed."""
    interview(case, case_worker)
    interview(case, case_worker, kind="assessment")
    return close_case(case, case_worker)


def test_rr6_a_new_case_for_a_known_child_keeps_the_record_and_the_retelling_count(
    closed: Case, case_worker: Any, agency: Any
) -> None:
    new = case_open_for_child(actor=case_worker, agency=agency, earlier=closed, summary="Back.")

    assert new.pk != closed.pk
    assert new.child_id == closed.child_id
    assert Child.objects.count() == 1
    assert (new.stage, new.lead_agency, new.summary) == (Case.Stage.IDENTIFICATION, agency, "Back.")
    assert retelling_count(new) == 2
    worker = CaseAssignment.objects.get(case=new)
    assert (worker.user, worker.role) == (case_worker, AssignmentRole.CASE_WORKER)
    opened = AuditEvent.objects.filter(case_id=new.pk, action="case.open").get()
    assert opened.changes["earlier_cases"] == [None, 1]
    interview(new, case_worker)
    assert retelling_count(new) == retelling_count(closed) == 3


def test_rr6_the_new_cases_first_steps_are_asked_again_by_its_screening(
    presumed_screening: Any, closed: Case, case_worker: Any, agency: Any
) -> None:
    # The earlier case's screening asked for its first steps; the new case has none until the
    # child is screened again.
    assert FirstStep.objects.filter(case=closed).exists()
    new = case_open_for_child(actor=case_worker, agency=agency, earlier=closed)
    assert not FirstStep.objects.filter(case=new).exists()

    screening_record(
        case=new,
        actor=case_worker,
        screened_at=new.opened_at,
        acts=["harbouring"],
        forms=[{"form": "ForcedBegging"}],
        means=["none"],
        movement="none",
    )

    kinds = set(FirstStep.objects.filter(case=new).values_list("kind", flat=True))
    assert {"safe_accommodation", "case_worker", "rights_information"} <= kinds


def test_rr6_a_child_with_a_case_still_open_gets_no_second_case_and_nothing_changes(
    case: Case, case_worker: Any, agency: Any
) -> None:
    before = _state()

    with pytest.raises(ValidationError) as refused:
        case_open_for_child(actor=case_worker, agency=agency, earlier=case)

    assert f"case {case.reference} is still open at {agency.name}" in str(refused.value)
    assert _state() == before


def test_rr6_someone_who_cannot_see_the_earlier_case_cannot_open_one_from_it(
    closed: Case, outsider: Any, other_agency: Any
) -> None:
    before = _state()

    with pytest.raises(PermissionDenied):
        case_open_for_child(actor=outsider, agency=other_agency, earlier=closed)

    assert _state() == before


def test_rr6_a_case_opens_only_in_an_agency_where_the_person_registers_children(
    closed: Case, case_worker: Any, other_agency: Any
) -> None:
    before = _state()

    with pytest.raises(PermissionDenied):
        case_open_for_child(actor=case_worker, agency=other_agency, earlier=closed)

    assert _state() == before


def test_rr6_the_earlier_case_shows_linked_to_those_who_see_it_and_by_agency_to_others(
    closed: Case, case_worker: Any, agency: Any, other_agency: Any
) -> None:
    # A worker of another agency registers children there and sees the earlier case through an
    # assignment, then opens the new case in their own agency.
    elsewhere = staff(other_agency, Role.CASE_WORKER)
    CaseAssignment.objects.create(
        case=closed,
        user=elsewhere,
        agency=other_agency,
        role=AssignmentRole.SUPPORT_PERSON,
        started_at=closed.opened_at,
    )
    new = case_open_for_child(actor=elsewhere, agency=other_agency, earlier=closed)

    assert other_cases(elsewhere, new) == [(closed, True)]
    assert other_cases(case_worker, closed) == [(new, False)]


def test_rr6_the_closed_case_page_offers_a_new_case_and_the_form_opens_it(
    client: Client, closed: Case, case_worker: Any
) -> None:
    browser = signed_in(client, case_worker)
    page = browser.get(f"/cases/{closed.public_id}/").content.decode()
    assert "Open a new case for this child" in page

    response = browser.post(
        f"/cases/{closed.public_id}/new-case/",
        {"agency": closed.lead_agency_id, "summary": "Fictional: came back."},
        follow=True,
    )

    new = Case.objects.exclude(pk=closed.pk).get()
    page = response.content.decode()
    assert f"A new case {new.reference} is open for this child." in page
    assert "This child's other cases" in page
    assert closed.reference in page
    assert f">{closed.reference}</a>" in page


def test_rr6_a_case_page_does_not_offer_a_new_case_while_one_is_open(
    client: Client, closed: Case, case_worker: Any, agency: Any
) -> None:
    case_open_for_child(actor=case_worker, agency=agency, earlier=closed)
    browser = signed_in(client, case_worker)

    page = browser.get(f"/cases/{closed.public_id}/").content.decode()
    before = _state()
    response = browser.post(
        f"/cases/{closed.public_id}/new-case/", {"agency": agency.pk, "summary": ""}
    )

    assert "Open a new case for this child" not in page
    assert response.status_code == 400
    assert "is still open at" in response.content.decode()
    assert _state() == before


def test_rr6_the_api_opens_a_new_case_for_the_child_and_refuses_a_second(
    client: Client, closed: Case, case_worker: Any
) -> None:
    api = signed_in(client, case_worker)

    created = api.post(
        f"/api/v1/cases/{closed.public_id}/new-case/",
        {"summary": "Fictional: came back."},
        content_type="application/json",
    )
    assert created.status_code == 201
    body = created.json()
    assert body["retellings"] == 2
    assert body["child"]["id"] == str(closed.child.public_id)

    before = _state()
    again = api.post(
        f"/api/v1/cases/{closed.public_id}/new-case/", {}, content_type="application/json"
    )
    assert again.status_code == 400
    assert _state() == before


def test_rr6_the_api_answers_404_to_someone_who_cannot_see_the_earlier_case(
    client: Client, closed: Case, outsider: Any
) -> None:
    before = _state()

    response = signed_in(client, outsider).post(
        f"/api/v1/cases/{closed.public_id}/new-case/", {}, content_type="application/json"
    )

    assert response.status_code == 404
    assert _state() == before

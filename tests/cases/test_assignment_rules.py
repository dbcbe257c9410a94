"""Who may take which part on a case, and what that part lets them read (DP-1, DP-2)."""

import pytest
from django.core.exceptions import ValidationError

from haven.accounts.roles import Role
from haven.cases.access import can, readable
from haven.cases.models import CaseAssignment
from haven.cases.services import case_assign
from haven.core.sensitivity import Sensitivity as S
from tests.conftest import signed_in
from tests.factories import staff


@pytest.mark.parametrize(
    ("staff_role", "part"),
    [
        (Role.INTERPRETER, "guardian"),
        (Role.INTERPRETER, "lawyer"),
        (Role.STATISTICIAN, "lawyer"),
        (Role.STATISTICIAN, "support_person"),
        (Role.SHELTER_STAFF, "psychologist"),
        (Role.AGENCY_ADMIN, "interpreter"),
    ],
)
def test_dp1_a_person_is_assigned_only_to_a_part_their_role_allows(
    case, supervisor, other_agency, staff_role, part
):
    person = staff(other_agency, staff_role, username="someone")
    before = CaseAssignment.objects.count()

    with pytest.raises(ValidationError) as excinfo:
        case_assign(case=case, actor=supervisor, user=person, role=part)

    assert "role" in excinfo.value.message_dict
    assert CaseAssignment.objects.count() == before


def test_dp1_a_part_never_reads_more_than_the_persons_own_role(case, supervisor, other_agency):
    # Given shelter staff made the child's support person (a part that acts as a counsellor)
    shelter = staff(other_agency, Role.SHELTER_STAFF, username="shelter")
    case_assign(case=case, actor=supervisor, user=shelter, role="support_person")

    # Then they read what both allow: not the child's account, which shelter staff never read
    assert readable(shelter, case) == frozenset({S.BASIC, S.IDENTITY, S.HEALTH})
    assert can(shelter, "write_note", case) is True
    assert can(shelter, "record_interview", case) is False


def test_dp2_a_supervisor_ends_an_assignment_and_access_ends_with_it(
    client, case, supervisor, assigned_interpreter
):
    assignment = CaseAssignment.objects.get(case=case, user=assigned_interpreter)
    signed_in(client, supervisor)

    response = client.post(f"/cases/{case.public_id}/assignments/{assignment.public_id}/end/")

    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.ended_at is not None
    signed_in(client, assigned_interpreter)
    assert client.get(f"/cases/{case.public_id}/").status_code == 404


def test_dp2_ending_an_assignment_needs_the_assign_capability(
    client, case, case_worker, assigned_interpreter
):
    assignment = CaseAssignment.objects.get(case=case, user=assigned_interpreter)
    signed_in(client, case_worker)

    response = client.post(f"/cases/{case.public_id}/assignments/{assignment.public_id}/end/")

    assert response.status_code == 403
    assignment.refresh_from_db()
    assert assignment.ended_at is None


def test_dp2_leaving_the_agency_ends_access_to_its_cases_even_with_another_job(
    case, case_worker, other_agency
):
    # Given the case worker leaves the agency (membership ended) and joins another one
    from haven.accounts.models import Membership
    from haven.cases.access import cases_for_user
    from haven.safeguards.engine import evaluate
    from haven.safeguards.models import Alert

    Membership.objects.filter(user=case_worker).update(is_active=False)
    Membership.objects.create(user=case_worker, agency=other_agency, role=Role.CASE_WORKER)
    case_worker._haven_memberships = None

    # Then the old case is gone from what they see, and the child has no case worker (CC-9)
    assert list(cases_for_user(case_worker)) == []
    assert readable(case_worker, case) == frozenset()
    evaluate(type(case).objects.filter(pk=case.pk))
    assert Alert.objects.filter(case=case, rule_code="cc9.no_case_worker", status="open").exists()

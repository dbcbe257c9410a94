"""Staff coming and going (CC-9, DP-2): when a case worker leaves or changes role, their access
ends at once, each child they held raises CC-9's "no case worker" alert in the same write, and
the supervisor finds those cases under "Cases to hand over". Refused changes change nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from haven.accounts.models import Membership
from haven.accounts.roles import Role
from haven.audit.models import AuditEvent
from haven.cases.models import CaseAssignment
from haven.cases.staff import cases_to_hand_over, membership_end, membership_role_change
from haven.safeguards.models import Alert
from tests.conftest import signed_in
from tests.factories import staff

pytestmark = pytest.mark.django_db

CC9 = "cc9.no_case_worker"


def _membership(user) -> Membership:  # type: ignore[no-untyped-def]
    return Membership.objects.get(user=user)


def _open_cc9(case) -> int:  # type: ignore[no-untyped-def]
    return Alert.objects.filter(case=case, rule_code=CC9, status="open").count()


def _state(user) -> tuple:  # type: ignore[no-untyped-def, type-arg]
    m = _membership(user)
    user.refresh_from_db()
    return (
        m.is_active,
        m.role,
        user.is_active,
        user.session_salt,
        CaseAssignment.objects.filter(user=user, ended_at__isnull=True).count(),
        AuditEvent.objects.filter(action__startswith="membership.").count(),
    )


def test_cc9_a_case_worker_who_leaves_loses_access_at_once_and_the_child_alerts(
    case, case_worker, admin, supervisor
):
    worker = signed_in(Client(), case_worker)
    assert worker.get(f"/cases/{case.public_id}/").status_code == 200
    assert _open_cc9(case) == 0

    membership_end(actor=admin, membership=_membership(case_worker))

    case_worker.refresh_from_db()
    assert (case_worker.is_active, _membership(case_worker).is_active) == (False, False)
    assert worker.get(f"/cases/{case.public_id}/").status_code == 302  # signed out everywhere
    assert _open_cc9(case) == 1
    assert list(cases_to_hand_over(supervisor)) == [case]
    event = AuditEvent.objects.get(action="membership.end")
    assert event.changes == {"is_active": [True, False], "account_deactivated": [False, True]}
    # The assignment ended as a handover's does: audited, and on the child's timeline.
    ended = AuditEvent.objects.get(action="assignment.end", case_id=case.pk)
    assert ended.changes["name"] == [case_worker.get_full_name(), None]
    timeline = signed_in(Client(), supervisor).get(f"/cases/{case.public_id}/").content.decode()
    assert f"Assignment ended: Case worker: {case_worker.get_full_name()}" in timeline


def test_cc9_a_role_change_ends_the_assignments_and_the_case_waits_for_a_handover(
    case, case_worker, admin, supervisor
):
    membership_role_change(
        actor=admin, membership=_membership(case_worker), role=Role.SHELTER_STAFF
    )

    assert _membership(case_worker).role == Role.SHELTER_STAFF
    assert not CaseAssignment.objects.filter(user=case_worker, ended_at__isnull=True).exists()
    assert _open_cc9(case) == 1
    assert list(cases_to_hand_over(supervisor)) == [case]


def test_dp2_an_administrator_changes_no_one_outside_their_agency_nor_themself(
    case_worker, admin, other_admin
):
    before = _state(case_worker)
    with pytest.raises(PermissionDenied):
        membership_end(actor=other_admin, membership=_membership(case_worker))
    with pytest.raises(PermissionDenied):
        membership_role_change(
            actor=other_admin, membership=_membership(case_worker), role=Role.SUPERVISOR
        )
    with pytest.raises(PermissionDenied):
        membership_end(actor=admin, membership=_membership(admin))
    assert _state(case_worker) == before


@pytest.mark.parametrize(
    ("role", "refusal"),
    [
        ("astronaut", ValidationError),
        (Role.CASE_WORKER, ValidationError),  # the role they have
        (Role.SYSTEM_ADMIN, PermissionDenied),  # only a system administrator gives it
    ],
)
def test_a_refused_role_change_changes_nothing(case, case_worker, admin, role, refusal):
    before = _state(case_worker)
    with pytest.raises(refusal):
        membership_role_change(actor=admin, membership=_membership(case_worker), role=role)
    assert _state(case_worker) == before
    assert _open_cc9(case) == 0


def test_the_pages_end_a_membership_and_change_a_role_and_list_the_cases(
    case, case_worker, admin, supervisor, agency
):
    other = staff(agency, Role.CASE_WORKER, username="cw2")
    client = signed_in(Client(), admin)
    members = client.get("/accounts/members/").content.decode()
    leave_url = f"/cases/staff/{_membership(case_worker).public_id}/leave/"
    assert leave_url in members

    confirm = client.get(leave_url).content.decode()
    assert "They hold 1 open case" in confirm
    assert client.post(leave_url).status_code == 302
    assert (
        client.post(
            f"/cases/staff/{_membership(other).public_id}/role/", {"role": Role.PSYCHOLOGIST}
        ).status_code
        == 302
    )
    assert _membership(other).role == Role.PSYCHOLOGIST

    page = signed_in(Client(), supervisor).get("/cases/hand-over/").content.decode()
    assert f'href="/cases/{case.public_id}/assign/"' in page
    assert signed_in(Client(), other).get("/cases/hand-over/").status_code == 403

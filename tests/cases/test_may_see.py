"""haven.cases.access.may_see: whether a user may see one loaded case, the rule of
cases_for_user weighed in Python (DP-1, DP-2). access_case_by_id reads the case by its key and
asks may_see, so the two must agree for every kind of person and every way access ends."""

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils import timezone

from haven.accounts.models import Membership, User
from haven.cases.access import (
    access_case_by_id,
    case_grant,
    cases_for_user,
    may_see,
    readable,
    readable_by_case,
)
from haven.cases.models import Case, CaseAssignment
from tests.reports.conftest import open_case


def _sees(user: Any, case: Case) -> bool:
    """may_see on freshly loaded objects (nothing cached), held equal to cases_for_user, and
    access_case_by_id answering the same."""
    user, case = User.objects.get(pk=user.pk), Case.objects.get(pk=case.pk)
    expected = cases_for_user(user).filter(pk=case.pk).exists()
    assert may_see(user, case) is expected
    try:
        found = access_case_by_id(User.objects.get(pk=user.pk), case.public_id)
    except Http404:
        assert not expected
    else:
        assert expected and found.pk == case.pk
    return expected


def test_dp1_dp2_each_kind_of_person_sees_exactly_the_cases_of_cases_for_user(
    agency: Any,
    other_agency: Any,
    case: Any,
    case_worker: Any,
    supervisor: Any,
    assigned_interpreter: Any,
    unassigned_case_worker: Any,
    statistician: Any,
    admin: Any,
    outsider: Any,
) -> None:
    theirs = open_case(outsider, other_agency)

    seen = {
        name: (_sees(user, case), _sees(user, theirs))
        for name, user in {
            "case worker": case_worker,
            "supervisor": supervisor,
            "interpreter": assigned_interpreter,
            "unassigned": unassigned_case_worker,
            "statistician": statistician,
            "admin": admin,
            "outsider": outsider,
        }.items()
    }

    assert seen == {
        "case worker": (True, False),
        "supervisor": (True, False),
        "interpreter": (True, False),
        "unassigned": (False, False),
        "statistician": (False, False),
        "admin": (False, False),
        "outsider": (False, True),
    }


def test_dp2_an_ended_or_expired_assignment_is_seen_by_neither(
    case: Any, assigned_interpreter: Any
) -> None:
    held = CaseAssignment.objects.filter(case=case, user=assigned_interpreter)
    held.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert _sees(assigned_interpreter, case) is False

    held.update(expires_at=None, ended_at=timezone.now())
    assert _sees(assigned_interpreter, case) is False


@pytest.mark.parametrize("what", ["membership", "account"])
def test_dp2_someone_no_longer_active_sees_nothing_by_either(
    what: str, case: Any, case_worker: Any, supervisor: Any
) -> None:
    for user in (case_worker, supervisor):
        if what == "membership":
            Membership.objects.filter(user=user).update(is_active=False)
        else:
            User.objects.filter(pk=user.pk).update(is_active=False)

        assert _sees(user, case) is False


@pytest.mark.parametrize("who", ["case_worker", "supervisor"])
def test_dp2_a_deactivated_account_is_granted_nothing_on_the_case(
    who: str, case: Any, request: pytest.FixtureRequest
) -> None:
    """The grant of a case (what may be read and done) follows the same rule as seeing it: an
    account deactivated while its membership stays is granted nothing, neither through its
    assignment (the case worker) nor through its agency-wide role (the supervisor)."""
    person = request.getfixturevalue(who)
    User.objects.filter(pk=person.pk).update(is_active=False)
    user, loaded = User.objects.get(pk=person.pk), Case.objects.get(pk=case.pk)

    assert case_grant(user, loaded) == case_grant(AnonymousUser(), loaded)
    assert readable(user, loaded) == frozenset()
    assert readable_by_case(user, [loaded]) == {loaded.pk: frozenset()}


def test_dp2_an_anonymous_visitor_sees_nothing() -> None:
    case = Case(lead_agency_id=1)

    assert may_see(AnonymousUser(), case) is False

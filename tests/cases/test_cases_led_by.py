"""haven.cases.access.cases_led_by: the cases of some agencies that a user may see, exactly
cases_for_user narrowed to them (DP-1, DP-2), with or without the user's own assignments' OR."""

from typing import Any

from haven.accounts.models import Membership
from haven.accounts.roles import Role
from haven.cases.access import cases_beyond, cases_for_user, cases_led_by
from tests.reports.conftest import open_case


def _refs(cases: Any) -> set[str]:
    return set(cases.values_list("reference", flat=True))


def _narrowed(user: Any, agency_ids: list[int]) -> set[str]:
    return _refs(cases_for_user(user).filter(lead_agency_id__in=agency_ids))


def test_dp2_a_supervisor_gets_every_case_their_agency_leads(
    agency: Any, other_agency: Any, supervisor: Any, case_worker: Any, outsider: Any
) -> None:
    mine = {open_case(case_worker, agency).reference for _ in range(2)}
    open_case(outsider, other_agency)

    assert _refs(cases_led_by(supervisor, [agency.pk])) == mine
    assert _narrowed(supervisor, [agency.pk]) == mine


def test_dp2_a_case_worker_gets_only_the_agencys_cases_assigned_to_them(
    agency: Any, case_worker: Any, unassigned_case_worker: Any
) -> None:
    theirs = open_case(case_worker, agency)
    open_case(unassigned_case_worker, agency)

    assert _refs(cases_led_by(case_worker, [agency.pk])) == {theirs.reference}


def test_dp2_another_agencys_interpreter_gets_only_the_case_they_are_assigned_to(
    agency: Any, case: Any, case_worker: Any, assigned_interpreter: Any, other_agency: Any
) -> None:
    open_case(case_worker, agency)

    got = _refs(cases_led_by(assigned_interpreter, [agency.pk, other_agency.pk]))

    assert got == {case.reference}
    assert got == _narrowed(assigned_interpreter, [agency.pk, other_agency.pk])


def test_dp2_a_supervisor_asking_for_an_agency_they_do_not_supervise_gets_only_their_own(
    agency: Any, other_agency: Any, supervisor: Any, case_worker: Any, outsider: Any
) -> None:
    open_case(case_worker, agency)
    open_case(outsider, other_agency)

    assert not cases_led_by(supervisor, [other_agency.pk]).exists()
    assert _refs(cases_led_by(supervisor, [agency.pk, other_agency.pk])) == _narrowed(
        supervisor, [agency.pk, other_agency.pk]
    )


def test_dp2_a_supervisor_who_left_or_was_deactivated_gets_nothing(
    agency: Any, supervisor: Any, case_worker: Any
) -> None:
    open_case(case_worker, agency)
    Membership.objects.filter(user=supervisor).update(is_active=False)
    left = type(supervisor).objects.get(pk=supervisor.pk)
    supervisor.is_active = False

    assert not cases_led_by(left, [agency.pk]).exists()
    assert not cases_led_by(supervisor, [agency.pk]).exists()


def test_dp2_cases_beyond_some_agencies_are_exactly_the_rest_of_what_the_user_sees(
    agency: Any, other_agency: Any, supervisor: Any, case_worker: Any, outsider: Any
) -> None:
    open_case(case_worker, agency)
    open_case(outsider, other_agency)
    Membership.objects.create(user=supervisor, agency=other_agency, role=Role.CASE_WORKER)
    theirs = open_case(supervisor, other_agency)  # their case there, as its case worker

    for ids in ([agency.pk], [other_agency.pk], [agency.pk, other_agency.pk], []):
        expected = _refs(cases_for_user(supervisor).exclude(lead_agency_id__in=ids))
        assert _refs(cases_beyond(supervisor, ids)) == expected, ids
    assert _refs(cases_beyond(supervisor, [agency.pk])) == {theirs.reference}


def test_dp2_cases_beyond_give_nobody_more_than_they_see(
    agency: Any, case: Any, assigned_interpreter: Any, outsider: Any, other_agency: Any
) -> None:
    open_case(outsider, other_agency)

    assert _refs(cases_beyond(assigned_interpreter, [other_agency.pk])) == {case.reference}
    assert not cases_beyond(assigned_interpreter, [agency.pk]).exists()
    Membership.objects.filter(user=outsider).update(is_active=False)
    assert not cases_beyond(outsider, []).exists()  # no longer staff anywhere

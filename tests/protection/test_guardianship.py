"""Guardianship (PS-1, PS-2): a guardian appointed in time for a child deprived of parental
care, within the guardian's caseload, and access to the case that follows the appointment.
Domain tests without HTTP."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from haven.accounts.roles import Capability, Role
from haven.audit.models import AuditEvent
from haven.cases.access import can, cases_for_user
from haven.cases.models import Case, CaseAssignment
from haven.cases.services import case_register
from haven.core.errors import SafeguardViolation
from haven.core.sensitivity import Sensitivity
from haven.identification.codes import Act, Exploitation
from haven.identification.selectors import first_steps
from haven.identification.services import screening_record
from haven.protection.models import Guardian, GuardianAppointment
from haven.protection.services import guardian_appoint, guardian_appointment_end, guardian_create
from haven.safeguards.models import Alert
from tests.factories import child_fields, staff

ALL_CLASSES = frozenset(Sensitivity.values)

TODAY = timezone.localdate
PS1 = "ps1.guardian_overdue"
COURT = "Fictional Juvenile Court"


def _care(case: Case, parental_care: str) -> Case:
    case.child.parental_care = parental_care
    case.child.save(update_fields=["parental_care"])
    return case


def _screen(case, actor, hours_ago: float):  # type: ignore[no-untyped-def]
    return screening_record(
        case=case,
        actor=actor,
        screened_at=timezone.now() - timedelta(hours=hours_ago),
        acts=[Act.HARBOURING],
        forms=[{"form": Exploitation.FORCED_BEGGING}],
    )


def _guardian(agency, actor, name="Fictional Volunteer Guardian", **kwargs):  # type: ignore[no-untyped-def]
    return guardian_create(agency=agency, actor=actor, name=name, **kwargs)


def _appoint(case, actor, guardian, **overrides):  # type: ignore[no-untyped-def]
    fields = {"appointed_on": TODAY() - timedelta(days=1), "appointed_by": COURT}
    fields.update(overrides)
    return guardian_appoint(case=case, actor=actor, guardian=guardian, **fields)


def _another_case(actor, agency, name="Dara"):  # type: ignore[no-untyped-def]
    case = case_register(actor=actor, agency=agency, child=child_fields(given_name=name))
    return _care(case, "unaccompanied")


def _alerts(case: Case, rule: str) -> list[tuple[str, str]]:
    return list(
        Alert.objects.filter(case=case, rule_code=rule)
        .order_by("pk")
        .values_list("subject", "status")
    )


def _counts() -> tuple[int, int, int, int, int]:
    return (
        Guardian.objects.count(),
        GuardianAppointment.objects.count(),
        CaseAssignment.objects.count(),
        AuditEvent.objects.count(),
        Alert.objects.count(),
    )


# --- PS-1: a guardian in time ------------------------------------------------------------------


def test_ps1_guardian_overdue_alert_for_an_unaccompanied_child_cleared_by_an_appointment(
    case, case_worker, agency, settings
):
    # Given an unaccompanied child identified eight days ago, with no guardian
    assert settings.HAVEN_GUARDIAN_DUE_HOURS == 168
    _care(case, "unaccompanied")
    _screen(case, case_worker, hours_ago=169)

    # Then PS-1 alerts, and the late guardian step is not a second, ID-4 alert
    alert = Alert.objects.get(case=case, rule_code=PS1)
    assert (alert.measure_id, alert.severity, alert.subject, alert.status) == (
        "PS-1",
        "alert",
        "",
        "open",
    )
    assert not Alert.objects.filter(case=case, subject="guardian").exclude(rule_code=PS1).exists()

    # When a guardian is appointed
    guardian = _guardian(agency, case_worker)
    _appoint(case, case_worker, guardian)

    # Then the alert clears and the checklist shows the guardian step met by the guardian
    assert _alerts(case, PS1) == [("", "cleared")]
    row = next(r for r in first_steps(case, ALL_CLASSES) if r["step"].kind == "guardian")
    assert (row["state"], row["met_by"]) == ("met", "Fictional Volunteer Guardian")


def test_ps1_no_guardian_alert_before_168_hours(case, case_worker):
    _care(case, "unaccompanied")
    _screen(case, case_worker, hours_ago=167)
    assert _alerts(case, PS1) == []


@pytest.mark.parametrize("parental_care", ["with_parents", "unknown"])
def test_ps1_no_guardian_alert_for_a_child_not_deprived_of_parental_care(
    case, case_worker, parental_care
):
    _care(case, parental_care)
    _screen(case, case_worker, hours_ago=200)
    assert _alerts(case, PS1) == []


def test_ps1_the_alert_returns_when_the_guardianship_ends_without_a_successor(
    case, case_worker, agency
):
    _care(case, "separated")
    _screen(case, case_worker, hours_ago=200)
    appointment = _appoint(case, case_worker, _guardian(agency, case_worker))
    assert _alerts(case, PS1) == [("", "cleared")]

    guardian_appointment_end(
        reason_code="replaced",
        appointment=appointment,
        actor=case_worker,
        ended_on=TODAY(),
        reason="Fictional: moved.",
    )

    assert _alerts(case, PS1) == [("", "cleared"), ("", "open")]


def test_ps1_a_guardian_for_a_child_living_with_parents_needs_a_reason(case, case_worker, agency):
    _care(case, "with_parents")
    guardian = _guardian(agency, case_worker)
    before = _counts()

    with pytest.raises(ValidationError) as excinfo:
        _appoint(case, case_worker, guardian, reason="Parents.")

    assert list(excinfo.value.message_dict) == ["reason"]
    assert _counts() == before

    reason = "Fictional: the court suspended the parents' authority."
    appointment = _appoint(case, case_worker, guardian, reason=reason)
    appointment.refresh_from_db()
    assert appointment.reason == reason


def test_ps1_a_child_has_one_current_guardian_at_a_time(case, case_worker, agency):
    _care(case, "unaccompanied")
    first = _appoint(case, case_worker, _guardian(agency, case_worker))
    second = _guardian(agency, case_worker, name="Fictional Aunt")
    before = _counts()

    with pytest.raises(ValidationError) as excinfo:
        _appoint(case, case_worker, second)

    assert list(excinfo.value.message_dict) == ["guardian"]
    assert _counts() == before
    assert list(GuardianAppointment.objects.current().filter(case=case)) == [first]


def test_ps1_a_guardianship_cannot_end_before_the_appointment(case, case_worker, agency):
    _care(case, "unaccompanied")
    appointment = _appoint(
        case, case_worker, _guardian(agency, case_worker), appointed_on=TODAY() - timedelta(days=5)
    )
    before = _counts()

    with pytest.raises(ValidationError) as excinfo:
        guardian_appointment_end(
            reason_code="replaced",
            appointment=appointment,
            actor=case_worker,
            ended_on=TODAY() - timedelta(days=6),
            reason="Fictional: returned to her parents.",
        )

    assert list(excinfo.value.message_dict) == ["ended_on"]
    assert _counts() == before
    appointment.refresh_from_db()
    assert (appointment.ended_on, appointment.end_reason) == (None, "")


def test_ps1_ending_a_guardianship_needs_a_reason_and_happens_once(case, case_worker, agency):
    _care(case, "unaccompanied")
    appointment = _appoint(case, case_worker, _guardian(agency, case_worker))
    before = _counts()
    with pytest.raises(ValidationError) as excinfo:
        guardian_appointment_end(
            reason_code="replaced",
            appointment=appointment,
            actor=case_worker,
            ended_on=TODAY(),
            reason="",
        )
    assert list(excinfo.value.message_dict) == ["reason"]
    assert _counts() == before

    guardian_appointment_end(
        reason_code="replaced",
        appointment=appointment,
        actor=case_worker,
        ended_on=TODAY(),
        reason="Fictional: turned 18.",
    )
    appointment.refresh_from_db()
    assert (appointment.ended_on, appointment.end_reason) == (TODAY(), "Fictional: turned 18.")
    event = AuditEvent.objects.get(action="guardian.end")
    assert event.changes == {"ended_on": [None, TODAY().isoformat()]}

    before = _counts()
    with pytest.raises(ValidationError):
        guardian_appointment_end(
            reason_code="replaced",
            appointment=appointment,
            actor=case_worker,
            ended_on=TODAY(),
            reason="Fictional: again.",
        )
    assert _counts() == before


@pytest.mark.parametrize("problem", ["other_agency", "inactive", "no_authority"])
def test_ps1_an_appointment_needs_an_available_guardian_of_the_lead_agency_and_an_authority(
    case, case_worker, agency, other_agency, problem
):
    _care(case, "unaccompanied")
    guardian = _guardian(agency, case_worker)
    overrides = {}
    field = "guardian"
    if problem == "other_agency":
        Guardian.objects.filter(pk=guardian.pk).update(agency=other_agency)
    elif problem == "inactive":
        Guardian.objects.filter(pk=guardian.pk).update(is_active=False)
    else:
        overrides, field = {"appointed_by": "  "}, "appointed_by"
    guardian.refresh_from_db()
    before = _counts()

    with pytest.raises(ValidationError) as excinfo:
        _appoint(case, case_worker, guardian, **overrides)

    assert list(excinfo.value.message_dict) == [field]
    assert _counts() == before


def test_ps1_an_appointment_is_audited(case, case_worker, agency):
    _care(case, "unaccompanied")
    guardian = _guardian(agency, case_worker)

    appointment = _appoint(case, case_worker, guardian)

    event = AuditEvent.objects.get(action="guardian.appoint")
    assert (event.case_id, event.object_id, event.changes) == (
        case.pk,
        str(appointment.public_id),
        {
            "guardian": [None, str(guardian.public_id)],
            "caseload": [0, 1],
            "over_ceiling": [None, False],
        },
    )


# --- a guardian who uses Haven sees the case while appointed ---------------------------------


def test_ps1_a_guardian_who_uses_haven_is_assigned_while_appointed(case, case_worker, agency):
    _care(case, "unaccompanied")
    person = staff(agency, Role.GUARDIAN, username="guardian_user", first_name="Fictional")
    guardian = guardian_create(agency=agency, actor=case_worker, user=person)
    assert not cases_for_user(person).filter(pk=case.pk).exists()

    appointment = _appoint(case, case_worker, guardian)

    assignment = CaseAssignment.objects.get(case=case, user=person)
    assert (assignment.role, assignment.ended_at, assignment.agency) == ("guardian", None, agency)
    assert cases_for_user(person).filter(pk=case.pk).exists()
    assert can(person, Capability.INFORM_CHILD, Case.objects.get(pk=case.pk))

    guardian_appointment_end(
        reason_code="replaced",
        appointment=appointment,
        actor=case_worker,
        ended_on=TODAY(),
        reason="Fictional: turned 18.",
    )

    assignment.refresh_from_db()
    assert assignment.ended_at is not None
    assert not CaseAssignment.objects.current().filter(case=case, user=person).exists()
    assert not cases_for_user(person).filter(pk=case.pk).exists()
    assert list(
        AuditEvent.objects.filter(object_id=str(assignment.public_id)).values_list(
            "action", flat=True
        )
    ) == ["assignment.start", "assignment.end"]


@pytest.mark.parametrize("problem", ["not_a_guardian", "no_name", "ceiling_zero", "twice"])
def test_ps1_adding_a_guardian_is_checked_and_nothing_saved(case_worker, agency, problem):
    interpreter = staff(agency, Role.INTERPRETER, username="interp_g")
    person = staff(agency, Role.GUARDIAN, username="guardian_twice")
    guardian_create(agency=agency, actor=case_worker, user=person)
    kwargs, field = {
        "not_a_guardian": ({"user": interpreter}, "user"),
        "no_name": ({"name": "  "}, "name"),
        "ceiling_zero": ({"name": "Fictional", "caseload_ceiling": 0}, "caseload_ceiling"),
        "twice": ({"user": person}, "user"),
    }[problem]
    before = _counts()

    with pytest.raises(ValidationError) as excinfo:
        guardian_create(agency=agency, actor=case_worker, **kwargs)

    assert list(excinfo.value.message_dict) == [field]
    assert _counts() == before


@pytest.mark.parametrize("who", ["outsider", "statistician", "admin"])
def test_ps1_only_the_agencys_case_staff_add_guardians(agency, request, who):
    before = _counts()
    with pytest.raises(ValidationError) as excinfo:
        _guardian(agency, request.getfixturevalue(who))
    assert list(excinfo.value.message_dict) == ["agency"]
    assert _counts() == before


# --- PS-2: the guardian's caseload -------------------------------------------------------------


@pytest.fixture
def full_guardian(settings, case_worker, agency):  # type: ignore[no-untyped-def]
    """A guardian at the ceiling (lowered to 1): already appointed for one child."""
    settings.HAVEN_GUARDIAN_CASELOAD_CEILING = 1
    guardian = _guardian(agency, case_worker)
    _appoint(_another_case(case_worker, agency, "Sok"), case_worker, guardian)
    return guardian


def test_ps2_a_guardian_at_the_ceiling_is_refused(case, case_worker, full_guardian):
    _care(case, "unaccompanied")
    before = _counts()

    with pytest.raises(SafeguardViolation) as excinfo:
        _appoint(case, case_worker, full_guardian)

    assert excinfo.value.measure_id == "PS-2"
    assert "(the ceiling is 1)" in str(excinfo.value.message)
    assert _counts() == before


def test_ps2_a_case_workers_override_reason_is_refused(case, case_worker, full_guardian):
    _care(case, "unaccompanied")
    before = _counts()

    with pytest.raises(ValidationError) as excinfo:
        _appoint(
            case,
            case_worker,
            full_guardian,
            over_ceiling_reason="Fictional: the only guardian who speaks Burmese.",
        )

    assert list(excinfo.value.message_dict) == ["over_ceiling_reason"]
    assert _counts() == before


def test_ps2_a_supervisor_without_a_reason_is_refused(case, supervisor, full_guardian):
    _care(case, "unaccompanied")
    before = _counts()
    with pytest.raises(SafeguardViolation) as excinfo:
        _appoint(case, supervisor, full_guardian, over_ceiling_reason="   ")
    assert excinfo.value.measure_id == "PS-2"
    assert _counts() == before


def test_ps2_a_supervisors_override_with_a_reason_is_recorded(case, supervisor, full_guardian):
    _care(case, "unaccompanied")
    reason = "Fictional: the only guardian who speaks Burmese."

    appointment = _appoint(case, supervisor, full_guardian, over_ceiling_reason=reason)

    appointment.refresh_from_db()
    assert (appointment.over_ceiling_approved_by, appointment.over_ceiling_reason) == (
        supervisor,
        reason,
    )
    event = AuditEvent.objects.get(action="guardian.appoint", object_id=str(appointment.public_id))
    assert (event.changes["caseload"], event.changes["over_ceiling"]) == ([1, 2], [None, True])


def test_ps2_an_override_reason_within_the_ceiling_is_not_an_approval(case, supervisor, agency):
    _care(case, "unaccompanied")

    appointment = _appoint(
        case, supervisor, _guardian(agency, supervisor), over_ceiling_reason="Fictional."
    )

    assert (appointment.over_ceiling_approved_by, appointment.over_ceiling_reason) == (None, "")


def test_ps2_a_guardians_own_ceiling_replaces_the_agencys(case, case_worker, agency, settings):
    settings.HAVEN_GUARDIAN_CASELOAD_CEILING = 1
    _care(case, "unaccompanied")
    guardian = _guardian(agency, case_worker, caseload_ceiling=2)
    _appoint(_another_case(case_worker, agency, "Sok"), case_worker, guardian)

    _appoint(case, case_worker, guardian)
    third = _another_case(case_worker, agency, "Vanna")
    before = _counts()

    with pytest.raises(SafeguardViolation) as excinfo:
        _appoint(third, case_worker, guardian)

    assert excinfo.value.measure_id == "PS-2"
    assert _counts() == before


def test_ps2_an_ended_guardianship_frees_a_place(case, case_worker, full_guardian):
    _care(case, "unaccompanied")
    held = GuardianAppointment.objects.get(guardian=full_guardian)
    guardian_appointment_end(
        reason_code="replaced",
        appointment=held,
        actor=case_worker,
        ended_on=TODAY(),
        reason="Fictional: turned 18.",
    )

    appointment = _appoint(case, case_worker, full_guardian)

    assert appointment.over_ceiling_approved_by is None


# --- who may appoint -----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["statistician", "outsider", "assigned_interpreter"])
def test_ps1_a_user_without_the_capability_cannot_appoint_or_end(
    case, case_worker, agency, request, who
):
    _care(case, "unaccompanied")
    guardian = _guardian(agency, case_worker)
    appointment = _appoint(case, case_worker, guardian)
    other = _another_case(case_worker, agency)
    actor = request.getfixturevalue(who)
    before = _counts()

    with pytest.raises(PermissionDenied):
        _appoint(other, actor, guardian)
    with pytest.raises(PermissionDenied):
        guardian_appointment_end(
            reason_code="replaced",
            appointment=appointment,
            actor=actor,
            ended_on=TODAY(),
            reason="Fictional: moved.",
        )

    assert _counts() == before
    appointment.refresh_from_db()
    assert appointment.ended_on is None

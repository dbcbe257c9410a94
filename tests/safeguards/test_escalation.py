"""ND-2: a child is never detained. Recording a police cell, prison or immigration detention is
allowed — it is a fact — and raises, in the same call, one critical alert escalated at once to the
case worker's supervisor and the child-protection authority's officers: an inbox entry each, and an
email that says nothing about the child when HAVEN_NOTIFY_EMAIL is on. The alert cannot be
resolved with a reason; it closes only when the child is moved, or when a completed age assessment
finds an adult."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from haven.accounts.models import Membership
from haven.accounts.roles import Role
from haven.alerts.escalation import escalate, recipients
from haven.alerts.services import alert_resolve
from haven.audit.models import AuditEvent
from haven.cases.child_services import age_assessment_record
from haven.cases.models import Case
from haven.cases.services import case_register
from haven.decisions.services import decision_record
from haven.placements.models import Placement
from haven.placements.rules import CHILD_DETAINED
from haven.placements.services import placement_end, placement_record, restriction_record
from haven.safeguards.engine import evaluate
from haven.safeguards.models import Alert, Notification
from tests.factories import AgencyFactory, child_fields, staff

TODAY = timezone.localdate
ND2 = "nd2.child_detained"
DETENTION = ["police_cell", "prison", "immigration_detention"]
URGENT = "Fictional: she had to leave the police station at once."


def _day(offset: int):  # type: ignore[no-untyped-def]
    return TODAY() + timedelta(days=offset)


def _detain(case, actor, type="police_cell", start=-1):  # type: ignore[no-untyped-def]
    return placement_record(
        case=case,
        actor=actor,
        type=type,
        facility="Fictional District Police Station, cell 2",
        start_on=_day(start),
    )


def _move_to_shelter(case, actor, start=0, **fields):  # type: ignore[no-untyped-def]
    if "decision" not in fields:
        fields["urgent_reason"] = URGENT
    return placement_record(
        case=case,
        actor=actor,
        type="open_shelter",
        facility="Fictional Open Shelter, Fictional Road 5",
        start_on=_day(start),
        review_on=_day(30),
        **fields,
    )


def _nd2(case) -> list[tuple[str, str, str, str]]:  # type: ignore[no-untyped-def]
    return list(
        Alert.objects.filter(case=case, rule_code=ND2)
        .order_by("pk")
        .values_list("measure_id", "severity", "subject", "status")
    )


def _notified() -> list[tuple[int, int]]:
    return sorted(Notification.objects.values_list("recipient_id", "alert_id"))


def _adult_assessment(case, actor, completed=True):  # type: ignore[no-untyped-def]
    return age_assessment_record(
        case=case,
        actor=actor,
        method="Fictional multidisciplinary assessment",
        decided_by="Fictional panel",
        evidence="Fictional: a passport checked with the embassy.",
        completed=completed,
        result="adult" if completed else "",
        assessed_birth_date=_day(-20 * 365) if completed else None,
    )


@pytest.fixture
def supervised(case_worker, supervisor, agency):  # type: ignore[no-untyped-def]
    """The case worker's own supervisor is recorded on their membership."""
    Membership.objects.filter(user=case_worker, agency=agency).update(supervisor=supervisor)
    return supervisor


@pytest.fixture
def bystanders(agency, other_agency, outsider):  # type: ignore[no-untyped-def]
    """People who must not be told: another supervisor and a case worker of the lead agency, a
    child-protection officer of an agency that is not the lead authority, and an outsider."""
    return [
        staff(agency, Role.SUPERVISOR, username="other_sup"),
        staff(agency, Role.CASE_WORKER, username="other_cw"),
        staff(other_agency, Role.CHILD_PROTECTION_OFFICER, username="kh_cp"),
        outsider,
    ]


# --- raised at once, escalated to the right people -------------------------------------------


@pytest.mark.parametrize("type", DETENTION)
def test_nd2_detention_recorded_raises_one_critical_alert_escalated_to_supervisor_and_cp_officer(
    case, case_worker, supervised, cp_officer, bystanders, type
):
    # The conftest child's age is estimated: a presumed child.
    assert case.child.age_status == "estimated"

    placement = _detain(case, case_worker, type)

    assert Placement.objects.get(pk=placement.pk).type == type
    assert _nd2(case) == [("ND-2", "critical", str(placement.public_id), "open")]
    alert = Alert.objects.get(case=case, rule_code=ND2)
    assert _notified() == sorted([(supervised.pk, alert.pk), (cp_officer.pk, alert.pk)])
    assert not Notification.objects.filter(recipient__in=bystanders).exists()
    assert Notification.objects.filter(read_at__isnull=False).count() == 0


def test_nd2_the_alert_is_critical_and_cannot_be_resolved_by_rule():
    assert (CHILD_DETAINED.measure_id, CHILD_DETAINED.severity, CHILD_DETAINED.resolvable) == (
        "ND-2",
        "critical",
        False,
    )


def test_nd2_a_second_evaluation_does_not_duplicate_the_alert_or_the_notifications(
    case, case_worker, supervised, cp_officer
):
    _detain(case, case_worker)
    alerts, notified = _nd2(case), _notified()

    evaluate(Case.objects.filter(pk=case.pk))
    call_command("safeguards_sweep", stdout=io.StringIO())
    restriction_record(
        case=case,
        actor=case_worker,
        kind="communication",
        description="Fictional: the police took her phone.",
        decided_by="Fictional police officer",
        start_on=TODAY(),
        review_on=_day(1),
    )

    assert _nd2(case) == alerts
    assert _notified() == notified
    assert len(notified) == 2


@pytest.mark.parametrize("who", ["supervisor", "cp_officer"])
def test_nd2_the_alert_cannot_be_resolved_with_a_reason(
    case, case_worker, supervised, cp_officer, who
):
    _detain(case, case_worker)
    alert = Alert.objects.get(case=case, rule_code=ND2)
    actor = supervised if who == "supervisor" else cp_officer
    before = (_nd2(case), _notified(), AuditEvent.objects.count())

    with pytest.raises(ValidationError) as excinfo:
        alert_resolve(
            alert=alert,
            actor=actor,
            reason="Fictional: the police say she will be released tomorrow.",
        )

    assert excinfo.value.messages == [
        "This alert cannot be resolved with a reason: it closes when the facts change."
    ]
    assert (_nd2(case), _notified(), AuditEvent.objects.count()) == before
    alert.refresh_from_db()
    assert (alert.resolution_reason, alert.resolved_by, alert.closed_at) == ("", None, None)


# --- it closes when the facts change ---------------------------------------------------------


@pytest.mark.parametrize("with_bid", [False, True])
def test_nd2_moving_the_child_to_a_shelter_ends_detention_that_day_and_clears_the_alert(
    case, case_worker, supervised, cp_officer, with_bid
):
    cell = _detain(case, case_worker, start=-1)
    notified = _notified()
    fields = {}
    if with_bid:
        fields["decision"] = decision_record(
            case=case,
            actor=case_worker,
            kind="bid",
            subject="placement",
            decided_on=TODAY(),
            question="Fictional: where can she be safe today?",
            options="Fictional: open shelter, her aunt.",
            outcome="Fictional: the open shelter.",
            justification="Fictional: safe and she agrees.",
            child_views="Fictional: I want to go somewhere I can sleep.",
            child_views_weight="Fictional: she is 14; her wish decided it.",
            participants=[
                {"name": "Fictional Chair", "role": "Child-protection office"},
                {"name": "Fictional Doctor", "role": "Fictional Clinic"},
            ],
        )

    shelter = _move_to_shelter(case, case_worker, **fields)

    cell.refresh_from_db()
    assert (cell.end_on, cell.end_reason) == (TODAY(), "The child moved.")
    assert list(Placement.objects.current().filter(case=case)) == [shelter]
    assert _nd2(case) == [("ND-2", "critical", str(cell.public_id), "cleared")]
    assert Alert.objects.get(case=case, rule_code=ND2).closed_at is not None
    assert _notified() == notified


def test_nd2_a_child_detained_today_can_be_moved_to_a_shelter_today(
    case, case_worker, supervised, cp_officer
):
    cell = _detain(case, case_worker, start=0)

    _move_to_shelter(case, case_worker, start=0)

    cell.refresh_from_db()
    assert cell.end_on == TODAY()
    assert [status for *_, status in _nd2(case)] == ["cleared"]


def test_nd2_ending_the_detention_clears_the_alert(case, case_worker, supervised, cp_officer):
    cell = _detain(case, case_worker, start=-3)

    placement_end(
        reason_code="moved",
        placement=cell,
        actor=case_worker,
        end_on=TODAY(),
        reason="Fictional: released.",
    )

    assert _nd2(case) == [("ND-2", "critical", str(cell.public_id), "cleared")]


def test_nd2_detention_that_ended_in_the_past_raises_no_alert(
    case, case_worker, supervised, cp_officer
):
    placement_record(
        case=case,
        actor=case_worker,
        type="immigration_detention",
        facility="Fictional Immigration Centre",
        start_on=_day(-30),
        end_on=_day(-25),
    )

    assert _nd2(case) == []
    assert _notified() == []


def test_nd2_a_person_claiming_to_be_an_adult_is_presumed_a_child_and_raises_the_alert(
    case_worker, agency, cp_officer
):
    disputed = case_register(
        actor=case_worker,
        agency=agency,
        child=child_fields(age_status="disputed", birth_date=None, claims_adult=True),
    )

    cell = _detain(disputed, case_worker)

    assert _nd2(disputed) == [("ND-2", "critical", str(cell.public_id), "open")]


def test_nd2_a_completed_age_assessment_finding_an_adult_means_no_alert(
    case, case_worker, supervised, cp_officer
):
    _adult_assessment(case, supervised)

    _detain(case, case_worker, "immigration_detention")

    assert _nd2(case) == []
    assert _notified() == []


def test_nd2_an_age_assessment_finding_an_adult_clears_the_open_alert(
    case, case_worker, supervised, cp_officer
):
    cell = _detain(case, case_worker)

    _adult_assessment(case, supervised)

    assert _nd2(case) == [("ND-2", "critical", str(cell.public_id), "cleared")]


def test_nd2_a_pending_age_assessment_keeps_the_presumption_and_the_alert(
    case, case_worker, supervised, cp_officer
):
    cell = _detain(case, case_worker)

    _adult_assessment(case, supervised, completed=False)

    assert _nd2(case) == [("ND-2", "critical", str(cell.public_id), "open")]


# --- who is told -----------------------------------------------------------------------------


def test_nd2_without_a_recorded_supervisor_every_supervisor_of_the_lead_agency_is_told(
    case, case_worker, supervisor, cp_officer, agency, outsider
):
    second = staff(agency, Role.SUPERVISOR, username="sup2")

    _detain(case, case_worker)

    alert = Alert.objects.get(case=case, rule_code=ND2)
    assert _notified() == sorted(
        [(supervisor.pk, alert.pk), (second.pk, alert.pk), (cp_officer.pk, alert.pk)]
    )


def test_nd2_a_lead_agency_that_is_not_the_authority_tells_the_authority_of_its_country(
    other_agency, outsider, cp_officer
):
    # other_agency (KH) is not a child-protection authority; the KH authority's officer is told,
    # the TH authority's officer (cp_officer) is not.
    kh_authority = AgencyFactory(
        name="Fictional KH Child Protection", country="KH", is_child_protection_authority=True
    )
    kh_officer = staff(kh_authority, Role.CHILD_PROTECTION_OFFICER, username="kh_officer")
    kh_supervisor = staff(other_agency, Role.SUPERVISOR, username="kh_sup")
    kh_case = case_register(
        actor=outsider, agency=other_agency, child=child_fields(given_name="Fictional Sokha")
    )

    _detain(kh_case, outsider, "prison")

    alert = Alert.objects.get(case=kh_case, rule_code=ND2)
    assert _notified() == sorted([(kh_supervisor.pk, alert.pk), (kh_officer.pk, alert.pk)])
    assert recipients(kh_case) == {kh_supervisor.pk, kh_officer.pk}
    assert cp_officer.pk not in recipients(kh_case)


def test_nd2_an_inactive_cp_officer_is_not_told(case, case_worker, supervised, cp_officer):
    Membership.objects.filter(user=cp_officer).update(is_active=False)

    _detain(case, case_worker)

    alert = Alert.objects.get(case=case, rule_code=ND2)
    assert _notified() == [(supervised.pk, alert.pk)]


def test_nd2_a_deactivated_supervisor_account_is_not_told(
    case, case_worker, supervisor, cp_officer, agency
):
    active = staff(agency, Role.SUPERVISOR, username="sup2")
    type(supervisor).objects.filter(pk=supervisor.pk).update(is_active=False)

    _detain(case, case_worker)

    alert = Alert.objects.get(case=case, rule_code=ND2)
    assert _notified() == sorted([(active.pk, alert.pk), (cp_officer.pk, alert.pk)])


# --- email ------------------------------------------------------------------------------------


def _with_emails(*users):  # type: ignore[no-untyped-def]
    for user in users:
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])


def test_nd2_email_goes_to_each_recipient_with_an_address_and_says_nothing_about_the_child(
    case,
    case_worker,
    supervised,
    cp_officer,
    bystanders,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.HAVEN_NOTIFY_EMAIL = True
    _with_emails(supervised, cp_officer, case_worker, *bystanders)

    with django_capture_on_commit_callbacks(execute=True):
        _detain(case, case_worker, "prison")

    assert sorted(m.to for m in mail.outbox) == [["cp_officer@example.org"], ["sup@example.org"]]
    child = case.child
    for message in mail.outbox:
        text = f"{message.subject}\n{message.body}"
        for secret in (
            child.given_name,
            child.family_name,
            child.display_name,
            case.reference,
            str(case.public_id),
            "Fictional District Police Station",
        ):
            assert secret not in text
        assert message.subject == "Haven: a critical alert needs you"
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0


def test_nd2_no_email_when_notify_email_is_off(
    case, case_worker, supervised, cp_officer, settings, django_capture_on_commit_callbacks
):
    settings.HAVEN_NOTIFY_EMAIL = False
    _with_emails(supervised, cp_officer)

    with django_capture_on_commit_callbacks(execute=True):
        _detain(case, case_worker)

    assert mail.outbox == []
    assert list(Notification.objects.values_list("emailed_at", flat=True)) == [None, None]


def test_nd2_a_recipient_without_an_address_is_not_marked_as_emailed(
    case, case_worker, supervised, cp_officer, settings, django_capture_on_commit_callbacks
):
    settings.HAVEN_NOTIFY_EMAIL = True
    _with_emails(supervised)  # the CP officer has no email address

    with django_capture_on_commit_callbacks(execute=True):
        _detain(case, case_worker)

    assert [m.to for m in mail.outbox] == [["sup@example.org"]]
    assert Notification.objects.get(recipient=supervised).emailed_at is not None
    assert Notification.objects.get(recipient=cp_officer).emailed_at is None


@pytest.mark.slow(
    reason="registers a dozen children in detention to show escalation's query count does not grow"
)
@pytest.mark.parametrize("count", [2, 12])
def test_nd2_escalating_many_alerts_takes_the_same_queries_as_a_few(
    case_worker, supervisor, cp_officer, agency, count
):
    """A first sweep may escalate hundreds of detained children at once: working out who to
    tell costs the same few queries for 2 alerts as for 12 (bench/README.md, finding 6)."""
    Membership.objects.filter(user=case_worker).update(supervisor=supervisor)
    cases = [
        case_register(actor=case_worker, agency=agency, child=child_fields(given_name=f"C{n}"))
        for n in range(count)
    ]
    for case in cases:
        _detain(case, case_worker)
    Notification.objects.all().delete()
    alerts = list(
        Alert.objects.filter(rule_code=CHILD_DETAINED.code).select_related("case__lead_agency")
    )
    assert len(alerts) == count

    with CaptureQueriesContext(connection) as queries:
        made = escalate(alerts)

    assert made == 2 * count  # the supervisor and the CP officer, for each child
    assert len(queries) == 5  # current case workers, their supervisors, agency supervisors,
    # CP officers, and one insert

"""Services for the child and family (PS-3), no forced care (PS-4), and help never conditional on
cooperation with the authorities (CC-8). Domain tests without HTTP."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from haven.accounts.roles import Role
from haven.audit.models import AuditEvent
from haven.cases.models import Case
from haven.cases.services import case_assign
from haven.consent.models import CHECKLIST_KEYS
from haven.consent.services import consent_record, consent_withdraw
from haven.core.errors import SafeguardViolation
from haven.decisions.services import decision_record
from haven.protection.models import NotDeliveredReason, Service
from haven.protection.services import service_record, service_update
from haven.safeguards.ending import mentions_cooperation
from haven.safeguards.models import Alert
from tests.factories import at_run, staff

TODAY = timezone.localdate
CARE_WITHOUT_CONSENT = "ps4.care_without_consent"
URGENT_NEEDS_BID = "ps4.urgent_care_needs_bid"


def _service(case, actor, **overrides):  # type: ignore[no-untyped-def]
    fields = {
        "type": "Accommodation",
        "provider": "Fictional Shelter",
        "start_on": TODAY() - timedelta(days=1),
        "status": "planned",
    }
    fields.update(overrides)
    return service_record(case=case, actor=actor, **fields)


def _exam(case, actor, **overrides):  # type: ignore[no-untyped-def]
    """A medical examination for the child (PS-4: needs consent)."""
    fields = {"type": "Health", "health_procedure": "examination", "provider": "Fictional Clinic"}
    fields.update(overrides)
    return _service(case, actor, **fields)


def _consent(case, actor, purpose="medical_examination", **overrides):  # type: ignore[no-untyped-def]
    """The 14-year-old's assent with her guardian's consent: it grants."""
    fields = {
        "purpose": purpose,
        "given_on": TODAY(),
        "language": "my",
        "formats": ["verbal", "visual"],
        "explained_by": "Fictional Nurse",
        "checklist": list(CHECKLIST_KEYS),
        "child_answer": "agrees",
        "representative": "guardian",
        "representative_name": "Fictional Guardian",
        "representative_answer": "consents",
    }
    fields.update(overrides)
    return consent_record(case=case, actor=actor, **fields)


def _bid(case, actor, subject="medical_without_consent", kind="bid"):  # type: ignore[no-untyped-def]
    return decision_record(
        case=case,
        actor=actor,
        kind=kind,
        subject=subject,
        decided_on=TODAY(),
        question="Fictional question.",
        options="Fictional options.",
        outcome="Fictional outcome.",
        justification="Fictional justification in the child's best interests.",
        child_views="",
        child_views_not_obtained="Fictional: unconscious on arrival.",
        participants=[
            {"name": "Fictional Chair", "role": "Panel"},
            {"name": "Fictional Doctor", "role": "Panel"},
        ],
    )


def _alerts(case: Case, rule: str) -> list[tuple[str, str]]:
    return list(
        Alert.objects.filter(case=case, rule_code=rule)
        .order_by("pk")
        .values_list("subject", "status")
    )


def _counts() -> tuple[int, int, int]:
    return (Service.objects.count(), AuditEvent.objects.count(), Alert.objects.count())


def _row(service: Service) -> tuple:
    service.refresh_from_db()
    return (
        service.status,
        service.end_on,
        service.not_delivered_reason,
        service.reason_detail,
        service.decision_id,
        service.updated_at,
    )


# --- PS-3: what a service records --------------------------------------------------------------


def test_ps3_a_service_records_provider_dates_and_status(case, case_worker):
    service = _service(
        case,
        case_worker,
        provider=" Fictional Shelter ",
        description="Fictional: room with her sister.",
        end_on=TODAY() + timedelta(days=90),
    )

    service.refresh_from_db()
    assert (
        service.type,
        service.provider,
        service.start_on,
        service.end_on,
        service.status,
        service.recipient,
        service.consent_purpose,
        service.row_sensitivity,
    ) == (
        "Accommodation",
        "Fictional Shelter",
        TODAY() - timedelta(days=1),
        TODAY() + timedelta(days=90),
        "planned",
        "child",
        "",
        "location",
    )
    event = AuditEvent.objects.get(action="service.record")
    assert (event.case_id, event.object_id) == (case.pk, str(service.public_id))
    assert event.changes["provider"] == [None, "Fictional Shelter"]
    assert "sister" not in str(event.changes)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"end_on": lambda: TODAY() - timedelta(days=2)}, "end_on"),
        ({"type": "Health"}, "health_procedure"),
        ({"recipient": "family", "family_member": "  "}, "family_member"),
        ({"status": "not_delivered"}, "not_delivered_reason"),
        (
            {"status": "not_delivered", "not_delivered_reason": "other", "reason_detail": " "},
            "reason_detail",
        ),
        ({"status": "completed"}, "end_on"),
        ({"start_on": lambda: TODAY().replace(year=1989)}, "start_on"),
        ({"type": "Teleportation"}, "type"),
        ({"status": "paused"}, "status"),
        ({"provider": ""}, "provider"),
    ],
)
def test_ps3_an_incomplete_service_is_refused_and_nothing_saved(
    case, case_worker, overrides, field
):
    before = _counts()

    with pytest.raises(ValidationError) as excinfo:
        _service(case, case_worker, **at_run(overrides))

    assert list(excinfo.value.message_dict) == [field]
    assert _counts() == before


def test_ps3_a_family_members_service_names_the_relationship(case, case_worker):
    service = _service(
        case, case_worker, type="Financial", recipient="family", family_member=" Her mother "
    )
    assert (service.recipient, service.family_member) == ("family", "Her mother")


def test_dp3_a_services_audit_does_not_hold_the_family_members_description(case, case_worker):
    _service(
        case,
        case_worker,
        type="Financial",
        recipient="family",
        family_member="Fictional: her stepfather's sister",
    )
    event = AuditEvent.objects.get(action="service.record")
    assert "stepfather" not in str(event.changes)


# --- PS-4: no forced care ----------------------------------------------------------------------


@pytest.mark.parametrize("status", ["planned", "in_progress"])
def test_ps4_medical_examination_refused_without_consent(case, case_worker, status):
    before = _counts()

    with pytest.raises(SafeguardViolation) as excinfo:
        _exam(case, case_worker, status=status)

    assert excinfo.value.measure_id == "PS-4"
    assert _counts() == before


def test_ps4_medical_examination_allowed_with_consent(case, case_worker):
    _consent(case, case_worker)

    service = _exam(case, case_worker)

    service.refresh_from_db()
    assert (service.status, service.consent_purpose) == ("planned", "medical_examination")
    assert _alerts(case, CARE_WITHOUT_CONSENT) == []


def test_ps4_consent_is_per_measure_an_examination_consent_does_not_cover_testing(
    case, case_worker
):
    _consent(case, case_worker, purpose="medical_examination")
    before = _counts()

    with pytest.raises(SafeguardViolation) as excinfo:
        _exam(case, case_worker, health_procedure="testing")

    assert excinfo.value.measure_id == "PS-4"
    assert _counts() == before


def test_ps4_a_refused_consent_does_not_permit_the_examination(case, case_worker):
    _consent(case, case_worker, child_answer="refuses")
    before = _counts()

    with pytest.raises(SafeguardViolation):
        _exam(case, case_worker)

    assert _counts() == before


@pytest.mark.parametrize(
    "overrides",
    [
        {"status": "offered"},
        {"status": "declined"},
        {"health_procedure": "other"},
        {"recipient": "family", "family_member": "Her mother"},
    ],
)
def test_ps4_care_that_does_not_go_ahead_or_needs_no_childs_consent_is_recorded(
    case, case_worker, overrides
):
    service = _exam(case, case_worker, **overrides)
    assert Service.objects.filter(pk=service.pk).exists()
    assert _alerts(case, CARE_WITHOUT_CONSENT) == []


def test_ps4_after_consent_is_withdrawn_the_planned_examination_cannot_go_ahead(case, case_worker):
    # Given an examination planned with consent
    consent = _consent(case, case_worker)
    exam = _exam(case, case_worker)

    # When the child withdraws her consent
    consent_withdraw(consent=consent, actor=case_worker, withdrawn_by="The child")

    # Then the planned examination raises an alert
    alert = Alert.objects.get(case=case, rule_code=CARE_WITHOUT_CONSENT)
    assert (alert.measure_id, alert.subject, alert.status) == (
        "PS-4",
        str(exam.public_id),
        "open",
    )

    # And it cannot be moved on to under way
    row, before = _row(exam), _counts()
    with pytest.raises(SafeguardViolation) as excinfo:
        service_update(service=exam, actor=case_worker, status="in_progress")
    assert excinfo.value.measure_id == "PS-4"
    assert (_row(exam), _counts()) == (row, before)

    # Stopping it clears the alert
    service_update(
        service=exam,
        actor=case_worker,
        status="not_delivered",
        not_delivered_reason=NotDeliveredReason.CONSENT_WITHDRAWN,
    )
    assert _alerts(case, CARE_WITHOUT_CONSENT) == [(str(exam.public_id), "cleared")]


def test_ps4_urgent_care_goes_ahead_and_a_bid_must_follow(case, case_worker):
    # Given urgent care without consent, with the reason recorded
    exam = _exam(
        case,
        case_worker,
        status="in_progress",
        urgent_reason="Fictional: unconscious, suspected internal bleeding.",
    )

    # Then it is saved, and a determination is asked for
    exam.refresh_from_db()
    assert (exam.status, exam.urgent_reason) == (
        "in_progress",
        "Fictional: unconscious, suspected internal bleeding.",
    )
    assert _alerts(case, URGENT_NEEDS_BID) == [(str(exam.public_id), "open")]
    assert _alerts(case, CARE_WITHOUT_CONSENT) == []
    alert = Alert.objects.get(case=case, rule_code=URGENT_NEEDS_BID)
    assert alert.measure_id == "PS-4"

    # An assessment is not a determination
    bia = _bid(case, case_worker, kind="bia")
    row, before = _row(exam), _counts()
    with pytest.raises(ValidationError) as excinfo:
        service_update(service=exam, actor=case_worker, status="in_progress", decision=bia)
    assert list(excinfo.value.message_dict) == ["decision"]
    assert (_row(exam), _counts()) == (row, before)

    # When the determination about medical care without consent is linked
    bid = _bid(case, case_worker)
    service_update(service=exam, actor=case_worker, status="in_progress", decision=bid)

    # Then the alert clears
    exam.refresh_from_db()
    assert exam.decision == bid
    assert _alerts(case, URGENT_NEEDS_BID) == [(str(exam.public_id), "cleared")]
    assert list(AuditEvent.objects.get(action="service.update").changes) == ["decision"]


def test_ps4_linking_a_bid_is_audited_with_its_public_id(case, case_worker):
    exam = _exam(case, case_worker, urgent_reason="Fictional: high fever, unconscious.")
    bid = _bid(case, case_worker)

    service_update(service=exam, actor=case_worker, status="in_progress", decision=bid)

    event = AuditEvent.objects.get(action="service.update")
    assert event.changes["decision"] == [None, str(bid.public_id)]


def test_ps4_a_bid_of_another_case_is_refused(case, case_worker, agency):
    from haven.cases.services import case_register
    from tests.factories import child_fields

    other = case_register(actor=case_worker, agency=agency, child=child_fields(given_name="Dara"))
    bid = _bid(other, case_worker)
    before = _counts()

    with pytest.raises(ValidationError) as excinfo:
        _exam(case, case_worker, decision=bid)

    assert list(excinfo.value.message_dict) == ["decision"]
    assert _counts() == before


def test_ps4_a_bid_about_medical_care_without_consent_lets_the_examination_go_ahead(
    case, case_worker
):
    bid = _bid(case, case_worker)
    exam = _exam(case, case_worker, decision=bid)
    assert exam.decision == bid
    assert _alerts(case, CARE_WITHOUT_CONSENT) == []


@pytest.mark.parametrize("linked", ["at_record", "at_update"])
def test_ps4_a_bid_about_something_else_does_not_permit_care_without_consent(
    case, case_worker, linked
):
    placement = _bid(case, case_worker, subject="placement")
    exam = None
    if linked == "at_update":
        exam = _exam(case, case_worker, urgent_reason="Fictional: high fever, unconscious.")
    before = _counts()

    with pytest.raises(ValidationError) as excinfo:
        if exam is None:
            _exam(case, case_worker, decision=placement)
        else:
            service_update(
                service=exam, actor=case_worker, status="in_progress", decision=placement
            )

    assert list(excinfo.value.message_dict) == ["decision"]
    assert _counts() == before


# --- CC-8: never conditional on cooperation ----------------------------------------------------


@pytest.mark.parametrize(
    "reason",
    [
        "refused to cooperate with police",
        "Uncooperative with the investigation",
        "She would not testify against the recruiter",
        "No testimony given",
        "tidak mau bersaksi",
        "Tidak kooperatif dengan polisi",
        "ไม่ให้ความร่วมมือกับตำรวจ",
    ],
)
def test_cc8_a_not_delivered_reason_about_cooperation_is_refused_and_nothing_saved(
    case, case_worker, reason
):
    before = _counts()

    with pytest.raises(SafeguardViolation) as excinfo:
        _service(
            case,
            case_worker,
            status="not_delivered",
            not_delivered_reason="other",
            reason_detail=reason,
        )

    assert (excinfo.value.measure_id, excinfo.value.code) == ("CC-8", "cc8")
    assert _counts() == before


def test_cc8_a_service_cannot_be_stopped_for_lack_of_cooperation(case, case_worker):
    service = _service(case, case_worker, status="in_progress")
    row, before = _row(service), _counts()

    with pytest.raises(SafeguardViolation) as excinfo:
        service_update(
            service=service,
            actor=case_worker,
            status="not_delivered",
            not_delivered_reason="other",
            reason_detail="Stopped: the child refused to cooperate with police.",
        )

    assert excinfo.value.measure_id == "CC-8"
    assert (_row(service), _counts()) == (row, before)


def test_cc8_a_real_reason_is_recorded(case, case_worker):
    service = _service(
        case,
        case_worker,
        status="not_delivered",
        not_delivered_reason="other",
        reason_detail="Fictional: the clinic closed for the flood season.",
    )
    service.refresh_from_db()
    assert (service.not_delivered_reason, service.reason_detail) == (
        "other",
        "Fictional: the clinic closed for the flood season.",
    )


def test_cc8_a_real_reason_in_thai_is_recorded(case, case_worker):
    # "No organisation in the area provides help for this."
    reason = "ไม่มีหน่วยงานให้การช่วยเหลือในพื้นที่"
    service = _service(
        case,
        case_worker,
        status="not_delivered",
        not_delivered_reason="other",
        reason_detail=reason,
    )
    assert service.reason_detail == reason


def test_cc8_not_delivered_reasons_have_no_cooperation_choice():
    assert set(NotDeliveredReason.values) == {
        "not_available",
        "no_longer_needed",
        "consent_withdrawn",
        "child_moved",
        "other",
    }
    for value, label in NotDeliveredReason.choices:
        assert not mentions_cooperation(f"{value} {label}")


# --- who may record ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["statistician", "outsider", "assigned_interpreter"])
def test_ps3_a_user_without_the_capability_cannot_record_or_update_a_service(
    case, case_worker, request, who
):
    service = _service(case, case_worker)
    actor = request.getfixturevalue(who)
    row, before = _row(service), _counts()

    with pytest.raises(PermissionDenied):
        _service(case, actor)
    with pytest.raises(PermissionDenied):
        service_update(service=service, actor=actor, status="in_progress")

    assert (_row(service), _counts()) == (row, before)


def test_ps3_shelter_staff_on_the_case_record_the_accommodation(case, supervisor, agency):
    worker = staff(agency, Role.SHELTER_STAFF, username="shelter")
    case_assign(case=case, actor=supervisor, user=worker, role="shelter_staff")

    service = _service(case, worker)

    assert service.created_by == worker

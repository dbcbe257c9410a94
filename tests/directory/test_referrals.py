"""Referrals between agencies (CC-15, DP-2, DP-5, DP-9, DP-16): the services."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from haven.audit.models import AuditEvent
from haven.cases.access import cases_for_user, may_see, readable, readable_by_case
from haven.cases.models import CaseAssignment
from haven.consent.services import consent_withdraw
from haven.core.errors import SafeguardViolation
from haven.core.sensitivity import Sensitivity as S
from haven.directory.models import Referral
from haven.directory.services import (
    referral_accept,
    referral_close,
    referral_decline,
    referral_send,
    referral_withdraw,
    sharing_assessment_record,
)
from tests.directory.conftest import REASON


def _state() -> tuple[int, int, int]:
    return Referral.objects.count(), CaseAssignment.objects.count(), AuditEvent.objects.count()


def test_cc15_a_referral_keeps_only_what_the_inbox_may_show(referral, case):
    assert referral.status == "sent"
    assert referral.from_agency_id == case.lead_agency_id
    assert referral.service_type == "Psychological"
    assert referral.data_points == ["basic", "identity", "health"]  # BASIC always (DP-9)
    assert referral.age_band == "12-14"
    assert referral.gender == case.child.gender
    assert referral.languages == ["my"]
    assert AuditEvent.objects.filter(action="referral.send", case_id=case.pk).count() == 1
    # Audit rows never hold the reason (DP-3)
    event = AuditEvent.objects.get(action="referral.send")
    assert REASON not in str(event.changes)


def test_dp5_refused_without_consent_or_legal_basis_and_nothing_changes(
    case, case_worker, counselling, assessment
):
    before = _state()
    with pytest.raises(SafeguardViolation) as exc:
        referral_send(case=case, actor=case_worker, offer=counselling, reason=REASON)
    assert exc.value.measure_id == "DP-5"
    assert _state() == before


def test_dp5_a_consent_for_another_purpose_or_withdrawn_does_not_allow_sharing(
    case, case_worker, counselling, assessment, consent
):
    consent_withdraw(consent=consent, actor=case_worker, withdrawn_by="Fictional guardian")
    before = _state()
    with pytest.raises(SafeguardViolation) as exc:
        referral_send(
            case=case, actor=case_worker, offer=counselling, reason=REASON, consent=consent
        )
    assert exc.value.measure_id == "DP-5"
    assert _state() == before


def test_dp5_a_legal_basis_needs_a_justification(case, case_worker, counselling, assessment):
    before = _state()
    with pytest.raises(ValidationError) as exc:
        referral_send(
            case=case,
            actor=case_worker,
            offer=counselling,
            reason=REASON,
            legal_basis="vital_interest",
        )
    assert "legal_basis_justification" in exc.value.message_dict
    assert _state() == before
    referral = referral_send(
        case=case,
        actor=case_worker,
        offer=counselling,
        reason=REASON,
        legal_basis="vital_interest",
        legal_basis_justification="Fictional: the child is at risk tonight.",
    )
    assert referral.consent is None and referral.legal_basis == "vital_interest"


def test_dp16_refused_without_an_approved_assessment_and_says_who_records_one(
    case, case_worker, counselling, consent, supervisor, agency, shelter
):
    before = _state()
    with pytest.raises(SafeguardViolation) as exc:
        referral_send(
            case=case, actor=case_worker, offer=counselling, reason=REASON, consent=consent
        )
    assert exc.value.measure_id == "DP-16"
    assert "supervisor, child-protection officer or agency administrator" in str(exc.value.message)
    assert _state() == before
    # A later refusal stops referrals again: the latest assessment decides.
    for approved in (True, False):
        sharing_assessment_record(
            actor=supervisor,
            from_agency=agency,
            to_agency=shelter,
            risks="Fictional risks of sharing.",
            safeguards="Fictional safeguards in place.",
            approved=approved,
        )
    with pytest.raises(SafeguardViolation):
        referral_send(
            case=case, actor=case_worker, offer=counselling, reason=REASON, consent=consent
        )


def test_dp16_only_a_directory_manager_of_the_sharing_agency_records_an_assessment(
    case_worker, shelter_admin, agency, shelter
):
    for actor in (case_worker, shelter_admin):
        with pytest.raises(PermissionDenied):
            sharing_assessment_record(
                actor=actor,
                from_agency=agency,
                to_agency=shelter,
                risks="Fictional risks of sharing.",
                safeguards="Fictional safeguards in place.",
                approved=True,
            )


def test_cc15_a_referral_to_the_lead_agency_itself_is_refused(
    case, case_worker, agency, supervisor, consent
):
    from haven.directory.services import offer_create

    own = offer_create(
        actor=supervisor, agency=agency, service_type="Health", name="Own clinic", country="TH"
    )
    before = _state()
    with pytest.raises(ValidationError):
        referral_send(case=case, actor=case_worker, offer=own, reason=REASON, consent=consent)
    assert _state() == before


def test_dp1_only_those_who_may_refer_on_the_case_can_send(
    case, unassigned_case_worker, outsider, counselling, assessment, consent
):
    for actor in (unassigned_case_worker, outsider):
        with pytest.raises(PermissionDenied):
            referral_send(case=case, actor=actor, offer=counselling, reason=REASON, consent=consent)
    assert Referral.objects.count() == 0


def test_dp2_before_acceptance_the_recipient_cannot_see_the_case(referral, case, psychologist):
    assert not cases_for_user(psychologist).filter(pk=case.pk).exists()
    assert not may_see(psychologist, case)
    assert readable(psychologist, case) == frozenset()


def test_dp9_accepting_grants_only_the_agreed_classes_within_the_own_role(
    accepted, case, psychologist
):
    assert accepted.status == "accepted"
    assert accepted.accepted_by == psychologist
    assignment = accepted.assignment
    assert assignment.role == "referral_recipient" and assignment.agency_id == accepted.to_agency_id
    assert cases_for_user(psychologist).filter(pk=case.pk).exists()
    assert may_see(psychologist, case)
    # Psychologists may read basic, identity, family, health, narrative; agreed: identity, health
    assert readable(psychologist, case) == frozenset({S.BASIC, S.IDENTITY, S.HEALTH})
    assert readable_by_case(psychologist, [case]) == {
        case.pk: frozenset({S.BASIC, S.IDENTITY, S.HEALTH})
    }


def test_dp9_agreed_classes_never_widen_the_recipients_own_role(
    case, case_worker, counselling, assessment, consent, shelter_staff
):
    referral = referral_send(
        case=case,
        actor=case_worker,
        offer=counselling,
        reason=REASON,
        data_points=["identity", "narrative", "legal"],
        consent=consent,
    )
    referral_accept(referral=referral, actor=shelter_staff)
    # Shelter staff read basic, identity, health, location: of the agreed, only identity
    assert readable(shelter_staff, case) == frozenset({S.BASIC, S.IDENTITY})


def test_dp2_a_recipient_does_care_work_but_never_manages_the_case(accepted, case, psychologist):
    from haven.cases.access import can

    assert can(psychologist, "write_note", case)
    for capability in ("assign", "change_stage", "edit_case", "refer", "screen"):
        assert not can(psychologist, capability, case)


def test_dp5_withdrawing_the_consent_ends_the_recipients_access(
    accepted, case, case_worker, consent, psychologist
):
    consent_withdraw(consent=consent, actor=case_worker, withdrawn_by="Fictional guardian")
    assert not cases_for_user(psychologist).filter(pk=case.pk).exists()
    case.refresh_from_db()
    assert not may_see(psychologist, case)
    assert readable(psychologist, case) == frozenset()


def test_dp5_an_expired_consent_ends_the_recipients_access_too(
    accepted, case, consent, psychologist
):
    type(consent).objects.filter(pk=consent.pk).update(
        expires_on=timezone.localdate() - timezone.timedelta(days=1)
    )
    assert not cases_for_user(psychologist).filter(pk=case.pk).exists()
    case.refresh_from_db()
    assert not may_see(psychologist, case)


def test_dp2_only_the_receiving_agency_answers(referral, outsider, unassigned_case_worker):
    # outsider is a case worker of the shelter: may answer; the office's own staff may not
    before = _state()
    with pytest.raises(PermissionDenied):
        referral_accept(referral=referral, actor=unassigned_case_worker)
    assert _state() == before


def test_cc15_declining_needs_a_reason_and_gives_no_access(referral, psychologist, case):
    before = _state()
    with pytest.raises(ValidationError):
        referral_decline(
            reason_code="no_capacity", referral=referral, actor=psychologist, reason=" "
        )
    assert _state() == before
    declined = referral_decline(
        reason_code="no_capacity",
        referral=referral,
        actor=psychologist,
        reason="Fictional: no Burmese counsellor now.",
    )
    assert declined.status == "declined"
    assert not cases_for_user(psychologist).filter(pk=case.pk).exists()
    with pytest.raises(ValidationError):
        referral_accept(referral=declined, actor=psychologist)


def test_dp2_withdrawing_or_closing_ends_the_recipients_access(
    accepted, case, case_worker, psychologist
):
    withdrawn = referral_withdraw(
        reason_code="no_longer_needed", referral=accepted, actor=case_worker
    )
    assert withdrawn.status == "withdrawn"
    assert not cases_for_user(psychologist).filter(pk=case.pk).exists()
    assert CaseAssignment.objects.get(pk=accepted.assignment_id).ended_at is not None
    with pytest.raises(ValidationError):
        referral_close(reason_code="service_completed", referral=withdrawn, actor=case_worker)


def test_cc15_the_recipient_cannot_withdraw_the_referral(accepted, psychologist):
    with pytest.raises(PermissionDenied):
        referral_withdraw(reason_code="no_longer_needed", referral=accepted, actor=psychologist)


def test_dp2_a_recipient_part_is_never_given_by_hand(case, supervisor, psychologist):
    from haven.cases.services import case_assign

    before = _state()
    with pytest.raises(ValidationError):
        case_assign(case=case, actor=supervisor, user=psychologist, role="referral_recipient")
    assert _state() == before

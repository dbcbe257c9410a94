"""Protection and support pages (CC-2, CC-3, CC-8, PS-1 … PS-7; DP-1, DP-6): the protection page,
the forms that record consent, information, decisions, guardians, needs and services, and who may
reach each. The services are tested beside this file and in tests/consent."""

import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from haven.accounts.roles import Role
from haven.audit.models import AuditEvent
from haven.cases.services import case_assign, case_register
from haven.consent.models import CHECKLIST_KEYS, Consent, InformationSession
from haven.decisions.models import Decision
from haven.protection.models import Guardian, GuardianAppointment, NeedsAssessment, Service
from haven.protection.services import guardian_create, service_record
from tests.conftest import signed_in
from tests.factories import child_fields, staff

TODAY = timezone.localdate


def _state() -> tuple:
    return (
        Consent.objects.count(),
        InformationSession.objects.count(),
        Decision.objects.count(),
        GuardianAppointment.objects.count(),
        NeedsAssessment.objects.count(),
        Service.objects.count(),
        AuditEvent.objects.count(),
        sorted(Consent.objects.values_list("withdrawn_at", flat=True), key=str),
        sorted(Service.objects.values_list("status", flat=True)),
    )


def _url(name: str, case, *args) -> str:  # type: ignore[no-untyped-def]
    return reverse(f"protection:{name}", args=[case.public_id, *args])


def _consent_post(**changes) -> dict:  # type: ignore[no-untyped-def]
    data = {
        "purpose": "medical_examination",
        "given_on": TODAY().isoformat(),
        "language": "my",
        "formats": ["verbal", "visual"],
        "explained_by": "Kanya Fictional",
        "checklist": list(CHECKLIST_KEYS),
        "child_answer": "agrees",
        "representative": "guardian",
        "representative_name": "Fictional Guardian",
        "representative_answer": "consents",
    }
    data.update(changes)
    return data


@pytest.fixture
def nine_year_old(case_worker, agency):  # type: ignore[no-untyped-def]
    """A 9-year-old girl, unaccompanied: she gives assent, her guardian consents."""
    return case_register(
        actor=case_worker,
        agency=agency,
        child=child_fields(
            given_name="Dao",
            birth_date=TODAY() - timedelta(days=9 * 365 + 30),
            age_status="known",
            parental_care="unaccompanied",
        ),
        languages=["my"],
    )


# --- the page and who reaches it --------------------------------------------------------------


def test_dp1_protection_page_shows_each_section_to_the_case_worker(
    client: Client, case, case_worker
):
    response = signed_in(client, case_worker).get(_url("overview", case))
    assert response.status_code == 200
    body = response.content.decode()
    for anchor in (
        'id="consent"',
        'id="information"',
        'id="decisions"',
        'id="guardian"',
        'id="needs"',
        'id="services"',
    ):
        assert anchor in body
    assert (
        response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]
    )


def test_dp1_protection_page_is_404_for_someone_outside_the_case(
    client: Client, case, outsider, unassigned_case_worker
):
    for user in (outsider, unassigned_case_worker):
        c = signed_in(Client(), user)
        assert c.get(_url("overview", case)).status_code == 404
        assert c.get(_url("consent_new", case)).status_code == 404
    missing = reverse("protection:overview", args=[uuid.uuid4()])
    assert signed_in(client, outsider).get(missing).status_code == 404


def test_dp1_health_worker_sees_health_care_but_not_legal_aid_or_the_needs_assessment(
    client: Client, case, case_worker, supervisor, agency
):
    health = staff(agency, Role.HEALTH_WORKER, username="nurse")
    case_assign(case=case, actor=supervisor, user=health, role="health_worker")
    for type_, provider in (("Health", "Fictional clinic"), ("Legal", "Fictional legal aid")):
        service_record(
            case=case,
            actor=case_worker,
            type=type_,
            health_procedure="other" if type_ == "Health" else "",
            provider=provider,
            start_on=TODAY(),
            status="offered",
        )
    body = signed_in(client, health).get(_url("overview", case)).content.decode()
    assert "Fictional clinic" in body
    assert "Fictional legal aid" not in body
    assert 'id="needs"' not in body
    assert 'id="guardian"' not in body


# --- the 9-year-old's medical examination (PS-4, CC-3, DP-5, DP-6) ------------------------------


def test_ps4_assent_and_guardian_consent_allow_the_examination_and_withdrawal_stops_it(
    client: Client, nine_year_old, case_worker
):
    case = nine_year_old
    c = signed_in(client, case_worker)
    # Her assent and her guardian's consent
    response = c.post(_url("consent_new", case), _consent_post())
    assert response.status_code == 302
    consent = Consent.objects.get(case=case)
    assert (consent.grants, consent.child_age, consent.representative) == (True, 9, "guardian")

    # The examination can be planned
    response = c.post(
        _url("service_new", case),
        {
            "type": "Health",
            "health_procedure": "examination",
            "recipient": "child",
            "provider": "Fictional shelter doctor",
            "start_on": TODAY().isoformat(),
            "status": "planned",
        },
    )
    assert response.status_code == 302
    exam = Service.objects.get(case=case)

    # Her guardian withdraws consent
    c.post(
        _url("consent_withdraw", case, consent.public_id),
        {"withdrawn_by": "Fictional Guardian", "reason": "Wants to wait a week."},
    )
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None

    # The examination cannot go ahead now: refused with the measure and why
    before = _state()
    response = c.post(
        _url("service_update", case, exam.public_id),
        {"status": "in_progress", "end_on": "", "not_delivered_reason": "", "reason_detail": ""},
    )
    assert response.status_code == 400
    assert "PS-4" in response.content.decode()
    assert _state() == before
    exam.refresh_from_db()
    assert exam.status == "planned"
    # and the case shows the PS-4 alert for the planned examination
    page = c.get(_url("overview", case)).content.decode()
    assert "Care planned without consent" in page


def test_dp6_consent_form_without_every_checklist_point_saves_nothing(
    client: Client, nine_year_old, case_worker
):
    before = _state()
    response = signed_in(client, case_worker).post(
        _url("consent_new", nine_year_old), _consent_post(checklist=["purpose", "uses"])
    )
    assert response.status_code == 400
    assert "Still to explain: 5 of 7." in response.content.decode()
    assert _state() == before


def test_dp5_consent_ending_before_it_was_given_is_refused_with_a_message(
    client: Client, nine_year_old, case_worker
):
    before = _state()
    response = signed_in(client, case_worker).post(
        _url("consent_new", nine_year_old),
        _consent_post(expires_on=(TODAY() - timedelta(days=1)).isoformat()),
    )
    assert response.status_code == 400
    assert "The consent cannot end before the date it was given." in response.content.decode()
    assert _state() == before


# --- best interests (CC-2, PS-6) ------------------------------------------------------------------


def _bid_post(**changes) -> dict:  # type: ignore[no-untyped-def]
    data = {
        "kind": "bid",
        "subject": "medical_without_consent",
        "decided_on": TODAY().isoformat(),
        "question": "Should the examination go ahead without consent?",
        "options": "Wait; examine now; examine partially.",
        "outcome": "Wait one week and ask again.",
        "justification": "No urgent need; her trust matters more.",
        "participant_1_name": "Fictional Chair",
        "participant_1_role": "Child-protection office",
        "participant_2_name": "Fictional Doctor",
        "participant_2_role": "Shelter clinic",
    }
    data.update(changes)
    return data


def test_cc2_determination_is_refused_until_the_childs_views_or_the_reason_are_entered(
    client: Client, nine_year_old, case_worker
):
    c = signed_in(client, case_worker)
    before = _state()
    response = c.post(_url("decision_new", nine_year_old), _bid_post())
    assert response.status_code == 400
    assert "CC-2" in response.content.decode()
    assert _state() == before

    response = c.post(
        _url("decision_new", nine_year_old),
        _bid_post(
            child_views="She wants to wait until her guardian is with her.",
            child_views_weight="Decisive: she understood the question and gave reasons.",
        ),
    )
    assert response.status_code == 302
    decision = Decision.objects.get(case=nine_year_old)
    assert decision.participants.count() == 2
    detail = c.get(response["Location"]).content.decode()
    assert "She wants to wait until her guardian is with her." in detail


def test_ps6_determination_without_participants_names_the_panel_rule(
    client: Client, nine_year_old, case_worker
):
    before = _state()
    response = signed_in(client, case_worker).post(
        _url("decision_new", nine_year_old),
        _bid_post(
            participant_1_name="",
            participant_1_role="",
            participant_2_name="",
            participant_2_role="",
            child_views_not_obtained="She was in hospital and too unwell to take part.",
        ),
    )
    assert response.status_code == 400
    assert "name at least 2 participants" in response.content.decode()
    assert _state() == before


# --- guardianship (PS-1, PS-2) -----------------------------------------------------------------


def test_ps1_guardian_appointed_from_the_page_meets_the_guardian_step(
    client: Client, nine_year_old, case_worker, supervisor, agency
):
    guardian = guardian_create(agency=agency, actor=supervisor, name="Fictional Volunteer")
    response = signed_in(client, case_worker).post(
        _url("guardian_appoint", nine_year_old),
        {
            "guardian": str(guardian.public_id),
            "appointed_on": TODAY().isoformat(),
            "appointed_by": "Fictional juvenile court",
        },
    )
    assert response.status_code == 302
    page = client.get(_url("overview", nine_year_old)).content.decode()
    assert "Fictional Volunteer" in page
    assert "Fictional juvenile court" in page


def test_ps1_guardian_for_a_child_living_with_parents_asks_why(
    client: Client, case, case_worker, supervisor, agency
):
    case.child.parental_care = "with_parents"
    case.child.save(update_fields=["parental_care"])
    guardian = guardian_create(agency=agency, actor=supervisor, name="Fictional Volunteer")
    before = _state()
    response = signed_in(client, case_worker).post(
        _url("guardian_appoint", case),
        {
            "guardian": str(guardian.public_id),
            "appointed_on": TODAY().isoformat(),
            "appointed_by": "Fictional court",
        },
    )
    assert response.status_code == 400
    assert "Say why a guardian is needed" in response.content.decode()
    assert _state() == before


def test_ps2_guardians_page_lists_caseloads_and_adds_an_outside_guardian(
    client: Client, case_worker, agency
):
    c = signed_in(client, case_worker)
    response = c.post(
        reverse("protection:guardians"),
        {"name": "Fictional Aunt", "organisation": "", "contact": "", "caseload_ceiling": ""},
    )
    assert response.status_code == 302
    assert Guardian.objects.filter(agency=agency, name="Fictional Aunt").count() == 1
    assert "Fictional Aunt" in c.get(reverse("protection:guardians")).content.decode()


# --- needs and services (PS-7, CC-8) ------------------------------------------------------------


def test_ps7_needs_form_without_a_strength_is_refused(client: Client, case, case_worker):
    data = {"assessed_on": TODAY().isoformat()}
    for domain in ("physical", "psychological", "social", "legal", "educational", "economic"):
        data[f"{domain}_level"] = "some"
        data[f"{domain}_needs"] = "Fictional need."
    before = _state()
    response = signed_in(client, case_worker).post(_url("needs_new", case), data)
    assert response.status_code == 400
    assert "strengths and resilience too" in response.content.decode()
    assert _state() == before

    data["educational_strengths"] = "Loves reading."
    response = client.post(_url("needs_new", case), data)
    assert response.status_code == 302
    assert NeedsAssessment.objects.get(case=case).findings.count() == 6


def test_ps3_service_ending_before_it_starts_is_refused(client: Client, case, case_worker):
    before = _state()
    response = signed_in(client, case_worker).post(
        _url("service_new", case),
        {
            "type": "Education",
            "recipient": "child",
            "provider": "Fictional school",
            "start_on": TODAY().isoformat(),
            "end_on": (TODAY() - timedelta(days=3)).isoformat(),
            "status": "planned",
        },
    )
    assert response.status_code == 400
    assert "The service cannot end before it starts." in response.content.decode()
    assert _state() == before


def test_cc8_service_form_offers_no_cooperation_reason_and_refuses_one_written_in(
    client: Client, case, case_worker
):
    c = signed_in(client, case_worker)
    form = c.get(_url("service_new", case)).content.decode()
    assert "cooperat" not in form.split("<form")[1].split("</form>")[0].lower().replace(
        "cooperation with the authorities", ""
    )
    before = _state()
    response = c.post(
        _url("service_new", case),
        {
            "type": "Psychological",
            "recipient": "child",
            "provider": "Fictional counsellor",
            "start_on": TODAY().isoformat(),
            "status": "not_delivered",
            "not_delivered_reason": "other",
            "reason_detail": "The child refused to cooperate with the police.",
        },
    )
    assert response.status_code == 400
    assert "CC-8" in response.content.decode()
    assert _state() == before

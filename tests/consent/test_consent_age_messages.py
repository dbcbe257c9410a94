"""The consent form speaks plainly about the consent age (CC-3, DP-5, PS-1).

Under HAVEN_CHILD_CONSENT_AGE, or when the child's age is not known, the child gives assent and
a parent's or guardian's consent is also needed. The form says so before saving, names the
child's guardian to someone who may read family matters (DP-1), and offers to appoint one only
to someone who may. After saving, an assent without that consent is recorded and the message
says consent is not in force yet, and why; a refusal keeps its own message."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from haven.accounts.roles import Role
from haven.audit.models import AuditEvent
from haven.cases.services import case_assign, case_register
from haven.children.age import years_before
from haven.consent.models import CHECKLIST_KEYS, Consent
from haven.protection.services import guardian_appoint, guardian_create
from tests.conftest import signed_in
from tests.factories import child_fields, staff

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate

UNDER_AGE_NOTE = (
    "The child is under 16: the child gives assent, and a parent's or guardian's consent is "
    "also needed."
)
UNKNOWN_AGE_NOTE = (
    "The child's age is not known: the child gives assent, and a parent's or guardian's "
    "consent is also needed, as for a child under 16."
)
NO_GUARDIAN = "No guardian is recorded. If no parent can consent, a guardian must be appointed."
APPOINT_LINK_TEXT = "Record a guardian's appointment"
NOTE = 'role="note" id="consent-age"'

ASSENT_NOT_IN_FORCE = (
    "Recorded: the child's assent. Consent is not in force yet: under 16 a parent's or "
    "guardian's consent is also needed."
)
UNKNOWN_AGE_NOT_IN_FORCE = (
    "Recorded: the child's assent. Consent is not in force yet: the child's age is not known, "
    "so a parent's or guardian's consent is also needed."
)
NOT_ASKED_NOT_IN_FORCE = (
    "Recorded. Consent is not in force yet: the child could not be asked, so a parent's or "
    "guardian's consent is needed."
)
RESPECTED = "Recorded. This does not give consent: the answer is respected (CC-3)."
IN_FORCE = "Consent recorded: it is in force."


@pytest.fixture(autouse=True)
def _consent_age_16(settings):  # type: ignore[no-untyped-def]
    settings.HAVEN_CHILD_CONSENT_AGE = 16


def _url(case) -> str:  # type: ignore[no-untyped-def]
    return reverse("protection:consent_new", args=[case.public_id])


def _appoint_url(case) -> str:  # type: ignore[no-untyped-def]
    return reverse("protection:guardian_appoint", args=[case.public_id])


def _post(**changes) -> dict:  # type: ignore[no-untyped-def]
    """The child agreed (assent) and nobody else was asked."""
    data = {
        "purpose": "medical_examination",
        "given_on": TODAY().isoformat(),
        "language": "my",
        "formats": ["verbal"],
        "explained_by": "Kanya Fictional",
        "checklist": list(CHECKLIST_KEYS),
        "child_answer": "agrees",
        "representative": "none",
        "representative_name": "",
        "representative_answer": "",
    }
    data.update(changes)
    return data


def _case_of(actor, agency, birth_date):  # type: ignore[no-untyped-def]
    return case_register(
        actor=actor,
        agency=agency,
        child=child_fields(given_name="Dao", birth_date=birth_date),
        languages=["my"],
    )


def _appoint(case, actor):  # type: ignore[no-untyped-def]
    guardian = guardian_create(
        agency=case.lead_agency, actor=actor, name="Fictional Volunteer Guardian"
    )
    return guardian_appoint(
        case=case,
        actor=actor,
        guardian=guardian,
        appointed_on=TODAY() - timedelta(days=2),
        appointed_by="Fictional District Court",
        reason="Fictional: her parents cannot act for her while they are abroad.",
    )


def _assigned(case, supervisor, agency, role: str, username: str):  # type: ignore[no-untyped-def]
    user = staff(agency, role, username=username)
    case_assign(case=case, actor=supervisor, user=user, role=role)
    return user


def _messages(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(m) for m in get_messages(response.wsgi_request)]


def _state() -> tuple:
    return (
        list(Consent.objects.values_list("pk", "grants", "child_answer")),
        AuditEvent.objects.count(),
    )


# --- before saving: the note on the form ------------------------------------------------------


def test_cc3_consent_form_says_a_guardian_must_also_consent_for_a_child_under_the_consent_age(
    client: Client, case, case_worker
):
    response = signed_in(client, case_worker).get(_url(case))
    assert response.status_code == 200
    body = response.content.decode()
    assert NOTE in body
    assert UNDER_AGE_NOTE in body
    assert UNKNOWN_AGE_NOTE not in body
    # No guardian yet, and the case worker may appoint one: the note links to it.
    assert NO_GUARDIAN in body
    assert f'<a href="{_appoint_url(case)}">{APPOINT_LINK_TEXT}</a>' in body


def test_cc3_the_note_gives_the_consent_age_of_the_settings(
    client: Client, case, case_worker, settings
):
    settings.HAVEN_CHILD_CONSENT_AGE = 15
    body = signed_in(client, case_worker).get(_url(case)).content.decode()
    assert (
        "The child is under 15: the child gives assent, and a parent's or guardian's consent "
        "is also needed." in body
    )


def test_cc3_consent_form_names_the_childs_guardian_and_offers_no_second_appointment(
    client: Client, case, case_worker
):
    _appoint(case, case_worker)
    body = signed_in(client, case_worker).get(_url(case)).content.decode()
    assert UNDER_AGE_NOTE in body
    assert "The child's guardian is Fictional Volunteer Guardian." in body
    assert NO_GUARDIAN not in body
    assert _appoint_url(case) not in body


def test_dp5_consent_form_for_a_child_whose_age_is_not_known_says_a_guardian_must_also_consent(
    client: Client, case_worker, agency
):
    unknown = _case_of(case_worker, agency, birth_date=None)
    body = signed_in(client, case_worker).get(_url(unknown)).content.decode()
    assert UNKNOWN_AGE_NOTE in body
    assert UNDER_AGE_NOTE not in body
    assert f'<a href="{_appoint_url(unknown)}">' in body


def test_dp5_consent_form_for_a_child_of_the_consent_age_shows_no_note(
    client: Client, case_worker, agency
):
    sixteen = _case_of(case_worker, agency, birth_date=years_before(TODAY(), 16))
    body = signed_in(client, case_worker).get(_url(sixteen)).content.decode()
    assert NOTE not in body
    assert "gives assent, and" not in body
    assert NO_GUARDIAN not in body
    assert _appoint_url(sixteen) not in body


def test_ps1_the_guardian_link_appears_only_for_someone_who_may_appoint(
    client: Client, case, supervisor, agency
):
    # A psychologist on the case records consent and reads family matters, but may not appoint
    # a guardian; a health worker reads no family matters at all (DP-1).
    psychologist = _assigned(case, supervisor, agency, Role.PSYCHOLOGIST, "psy")
    nurse = _assigned(case, supervisor, agency, Role.HEALTH_WORKER, "nurse")
    for user in (psychologist, nurse):
        body = signed_in(Client(), user).get(_url(case)).content.decode()
        assert UNDER_AGE_NOTE in body
        assert NO_GUARDIAN not in body
        assert _appoint_url(case) not in body
    # The supervisor may appoint: the link is there.
    body = signed_in(client, supervisor).get(_url(case)).content.decode()
    assert f'<a href="{_appoint_url(case)}">{APPOINT_LINK_TEXT}</a>' in body


def test_dp1_the_guardians_name_is_shown_only_to_who_reads_family_matters(
    client: Client, case, case_worker, supervisor, agency
):
    _appoint(case, case_worker)
    psychologist = _assigned(case, supervisor, agency, Role.PSYCHOLOGIST, "psy")
    nurse = _assigned(case, supervisor, agency, Role.HEALTH_WORKER, "nurse")
    named = "The child's guardian is Fictional Volunteer Guardian."
    assert named in signed_in(Client(), psychologist).get(_url(case)).content.decode()
    body = signed_in(client, nurse).get(_url(case)).content.decode()
    assert UNDER_AGE_NOTE in body
    assert "Fictional Volunteer Guardian" not in body
    assert NO_GUARDIAN not in body


# --- after saving: the message ----------------------------------------------------------------


def test_cc3_assent_without_a_guardian_is_recorded_but_says_consent_is_not_in_force(
    client: Client, case, case_worker
):
    response = signed_in(client, case_worker).post(_url(case), _post())
    assert response.status_code == 302
    assert _messages(response) == [ASSENT_NOT_IN_FORCE]
    consent = Consent.objects.get(case=case)
    assert (consent.grants, consent.child_answer, consent.representative) == (
        False,
        "agrees",
        "none",
    )
    assert consent.child_age is not None and consent.child_age < 16


def test_dp5_assent_of_a_child_whose_age_is_not_known_says_consent_is_not_in_force(
    client: Client, case_worker, agency
):
    unknown = _case_of(case_worker, agency, birth_date=None)
    response = signed_in(client, case_worker).post(_url(unknown), _post())
    assert response.status_code == 302
    assert _messages(response) == [UNKNOWN_AGE_NOT_IN_FORCE]
    assert Consent.objects.get(case=unknown).grants is False


def test_cc3_a_child_not_asked_without_a_guardian_says_consent_is_not_in_force(
    client: Client, case, case_worker
):
    response = signed_in(client, case_worker).post(
        _url(case),
        _post(child_answer="not_asked", child_not_asked_reason="Fictional: asleep in hospital."),
    )
    assert response.status_code == 302
    assert _messages(response) == [NOT_ASKED_NOT_IN_FORCE]
    assert Consent.objects.get(case=case).grants is False


@pytest.mark.parametrize(
    "answers",
    [
        {"child_answer": "refuses"},
        {
            "representative": "guardian",
            "representative_name": "Fictional Guardian",
            "representative_answer": "refuses",
        },
    ],
    ids=["child_refuses", "guardian_refuses"],
)
def test_cc3_a_refusal_keeps_its_message(client: Client, case, case_worker, answers):
    response = signed_in(client, case_worker).post(_url(case), _post(**answers))
    assert response.status_code == 302
    assert _messages(response) == [RESPECTED]
    assert Consent.objects.get(case=case).grants is False


def test_cc3_assent_with_a_guardians_consent_is_in_force(client: Client, case, case_worker):
    response = signed_in(client, case_worker).post(
        _url(case),
        _post(
            representative="guardian",
            representative_name="Fictional Guardian",
            representative_answer="consents",
        ),
    )
    assert response.status_code == 302
    assert _messages(response) == [IN_FORCE]
    assert Consent.objects.get(case=case).grants is True


def test_dp5_a_sixteen_year_olds_own_consent_is_in_force(client: Client, case_worker, agency):
    sixteen = _case_of(case_worker, agency, birth_date=years_before(TODAY(), 16))
    response = signed_in(client, case_worker).post(_url(sixteen), _post())
    assert _messages(response) == [IN_FORCE]
    assert Consent.objects.get(case=sixteen).grants is True


# --- denied and invalid posts change nothing --------------------------------------------------


def test_cc3_a_user_who_may_not_record_consent_changes_nothing(
    client: Client, case, assigned_interpreter
):
    before = _state()
    response = signed_in(client, assigned_interpreter).post(_url(case), _post())
    assert response.status_code == 403
    assert _state() == before
    assert _messages(response) == []


def test_cc3_an_invalid_assent_saves_nothing_and_the_form_still_says_why(
    client: Client, case, case_worker
):
    before = _state()
    response = signed_in(client, case_worker).post(_url(case), _post(checklist=["purpose"]))
    assert response.status_code == 400
    assert _state() == before
    assert _messages(response) == []
    assert UNDER_AGE_NOTE in response.content.decode()

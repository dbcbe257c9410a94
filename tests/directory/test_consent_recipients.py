"""DP-5, "to whom": a consent to share information names the Haven agencies it covers, and a
referral goes only to one of them (or on a recorded legal basis).

Finding reproduced: a consent recorded for "Fictional Hospital only — not the shelter" (free
text) authorised a referral to the shelter. Now the free text is for recipients outside Haven
only, and is never compared with a referral's agency; the agencies are chosen from Haven's."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from haven.audit.models import AuditEvent
from haven.cases.models import CaseAssignment
from haven.consent.models import CHECKLIST_KEYS, Consent, Purpose
from haven.consent.services import consent_record
from haven.core.errors import SafeguardViolation
from haven.directory.models import Referral
from haven.directory.services import referral_accept, referral_send
from tests.conftest import signed_in
from tests.directory.conftest import REASON, sharing_consent
from tests.factories import AgencyFactory

HOSPITAL_ONLY = "Fictional Hospital only — not the shelter"


def _state() -> tuple[int, int, int]:
    return Referral.objects.count(), CaseAssignment.objects.count(), AuditEvent.objects.count()


@pytest.fixture
def hospital(db):  # type: ignore[no-untyped-def]
    return AgencyFactory(name="Fictional Hospital", country="TH")


def _sharing(case, actor, **fields):  # type: ignore[no-untyped-def]
    return consent_record(
        case=case,
        actor=actor,
        purpose=Purpose.INFORMATION_SHARING,
        given_on=timezone.localdate(),
        language="my",
        formats=["verbal"],
        explained_by="Fictional case worker",
        checklist=list(CHECKLIST_KEYS),
        child_answer="agrees",
        representative="guardian",
        representative_name="Fictional guardian",
        representative_answer="consents",
        **fields,
    )


def _send(case, actor, offer, **basis):  # type: ignore[no-untyped-def]
    return referral_send(
        case=case, actor=actor, offer=offer, reason=REASON, data_points=["identity"], **basis
    )


# --- sending ---------------------------------------------------------------------------------


@pytest.mark.parametrize("named", ["as_text", "as_agency"])
def test_dp5_consent_for_hospital_does_not_authorise_referral_to_shelter(
    case, case_worker, counselling, assessment, hospital, named
):
    # Given the finding: the child agreed to the hospital only, not to the shelter — written as
    # free text (how it was recorded, and how the migration keeps it) or with the agency chosen
    if named == "as_text":
        consent = _sharing(case, case_worker, recipients=HOSPITAL_ONLY)
    else:
        consent = _sharing(case, case_worker, recipient_agencies=[hospital])
    before = _state()

    # When the case worker refers the child to the shelter's counselling with that consent
    with pytest.raises(SafeguardViolation) as exc:
        _send(case, case_worker, counselling, consent=consent)

    # Then it is refused under DP-5, saying whom the consent covers, and nothing is written
    assert exc.value.measure_id == "DP-5"
    message = str(exc.value.message)
    assert "Fictional Shelter Network" in message
    expected = f"outside Haven: {HOSPITAL_ONLY}" if named == "as_text" else "Fictional Hospital"
    assert f"The child agreed to share information with: {expected}." in message
    assert _state() == before


def test_dp5_consent_naming_the_agency_authorises_referral(
    case, case_worker, counselling, assessment, shelter, hospital
):
    consent = _sharing(
        case, case_worker, recipient_agencies=[hospital, shelter], recipients="Fictional school"
    )

    referral = _send(case, case_worker, counselling, consent=consent)

    assert (referral.to_agency, referral.consent, referral.legal_basis) == (shelter, consent, "")
    assert AuditEvent.objects.filter(action="referral.send", case_id=case.pk).count() == 1


def test_dp5_a_legal_basis_still_authorises_a_referral_the_consent_does_not_cover(
    case, case_worker, counselling, assessment, hospital, psychologist
):
    _sharing(case, case_worker, recipient_agencies=[hospital])

    referral = _send(
        case,
        case_worker,
        counselling,
        legal_basis="vital_interest",
        legal_basis_justification="Fictional: the child is at risk tonight.",
    )

    assert (referral.consent, referral.legal_basis) == (None, "vital_interest")
    assert referral_accept(referral=referral, actor=psychologist).status == "accepted"


def test_dp5_the_api_refuses_a_referral_the_consent_does_not_cover_with_422(
    client: Client, case, case_worker, counselling, assessment, hospital
):
    consent = _sharing(case, case_worker, recipient_agencies=[hospital])
    signed_in(client, case_worker)
    before = _state()

    response = client.post(
        f"/api/v1/cases/{case.public_id}/referrals/",
        {"offer": str(counselling.public_id), "reason": REASON, "consent": str(consent.public_id)},
        content_type="application/json",
    )

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["measure_id"] == "DP-5"
    assert "Fictional Hospital" in error["message"]
    assert "Fictional Shelter Network" in error["message"]
    assert _state() == before


def test_dp5_the_referral_page_refuses_it_and_shows_whom_the_consent_covers(
    client: Client, case, case_worker, counselling, assessment, hospital
):
    consent = _sharing(case, case_worker, recipient_agencies=[hospital])
    signed_in(client, case_worker)
    form = client.get(f"/cases/{case.public_id}/referrals/new/").content.decode()
    assert "to: Fictional Hospital" in form  # the consent's choice says whom it covers
    before = _state()

    response = client.post(
        f"/cases/{case.public_id}/referrals/new/",
        {"offer": str(counselling.public_id), "reason": REASON, "consent": str(consent.public_id)},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "DP-5" in page and "does not include" in page
    assert _state() == before


# --- accepting --------------------------------------------------------------------------------


@pytest.fixture
def sent_before_agencies_were_named(case, case_worker, counselling, assessment, shelter):  # type: ignore[no-untyped-def]
    """A referral sent before consents named agencies: its consent's recipients were kept as
    text by the migration, so the consent names no Haven agency."""
    consent = sharing_consent(case, case_worker, to=shelter)
    referral = _send(case, case_worker, counselling, consent=consent)
    consent.recipient_agencies.clear()
    Consent.objects.filter(pk=consent.pk).update(recipients="Fictional Shelter Network")
    return referral


def test_dp5_accepting_a_referral_whose_consent_does_not_name_the_agency_is_refused(
    sent_before_agencies_were_named, psychologist
):
    referral = sent_before_agencies_were_named
    before = _state()

    with pytest.raises(SafeguardViolation) as exc:
        referral_accept(referral=referral, actor=psychologist)

    assert exc.value.measure_id == "DP-5"
    assert "does not name your agency" in str(exc.value.message)
    assert _state() == before
    referral.refresh_from_db()
    assert (referral.status, referral.assignment) == ("sent", None)


def test_dp5_the_api_refuses_that_acceptance_with_422_and_reveals_nothing_of_the_consent(
    client: Client, sent_before_agencies_were_named, psychologist, case
):
    referral = sent_before_agencies_were_named
    signed_in(client, psychologist)
    before = _state()

    response = client.post(f"/api/v1/directory/referrals/{referral.public_id}/accept/")

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["measure_id"] == "DP-5"
    # The accepting agency may not see the case: the refusal does not say whom the consent covers
    assert "Fictional Shelter Network" not in error["message"]
    assert _state() == before
    assert client.get(f"/cases/{case.public_id}/").status_code == 404


# --- recording whom a consent covers ---------------------------------------------------------


def test_dp5_the_consent_page_offers_haven_agencies_and_records_those_ticked(
    client: Client, case, case_worker, shelter, hospital
):
    signed_in(client, case_worker)
    form = client.get(f"/cases/{case.public_id}/consents/new/").content.decode()
    assert "Fictional Hospital" in form and "Others, outside Haven" in form

    response = client.post(
        f"/cases/{case.public_id}/consents/new/",
        {
            "purpose": "information_sharing",
            "recipient_agencies": [str(shelter.public_id)],
            "recipients": "Fictional school",
            "given_on": timezone.localdate().isoformat(),
            "language": "my",
            "formats": ["verbal"],
            "explained_by": "Fictional case worker",
            "checklist": list(CHECKLIST_KEYS),
            "child_answer": "agrees",
            "representative": "guardian",
            "representative_name": "Fictional guardian",
            "representative_answer": "consents",
        },
    )

    assert response.status_code == 302, response.content.decode()
    consent = Consent.objects.get(case=case)
    assert list(consent.recipient_agencies.all()) == [shelter]
    assert consent.recipients == "Fictional school"
    event = AuditEvent.objects.get(action="consent.record", case_id=case.pk)
    assert event.changes["recipient_agencies"] == [None, [str(shelter.public_id)]]
    page = client.get(f"/cases/{case.public_id}/protection/").content.decode()
    assert "Fictional Shelter Network, outside Haven: Fictional school" in page


def test_dp5_the_consent_api_takes_and_shows_the_agencies(
    client: Client, case, case_worker, shelter
):
    signed_in(client, case_worker)
    payload = {
        "purpose": "information_sharing",
        "recipient_agencies": [str(shelter.public_id)],
        "given_on": timezone.localdate().isoformat(),
        "language": "my",
        "formats": ["verbal"],
        "explained_by": "Fictional case worker",
        "checklist": list(CHECKLIST_KEYS),
        "child_answer": "agrees",
        "representative": "guardian",
        "representative_name": "Fictional guardian",
        "representative_answer": "consents",
    }
    url = f"/api/v1/cases/{case.public_id}/consents/"

    response = client.post(url, payload, content_type="application/json")

    assert response.status_code == 201, response.content
    assert response.json()["recipient_agencies"] == [
        {"id": str(shelter.public_id), "name": "Fictional Shelter Network"}
    ]
    assert client.get(url).json()[0]["recipient_agencies"][0]["name"] == shelter.name
    # An ID that is no Haven agency is refused on its field, and nothing is saved
    count = Consent.objects.count()
    unknown = {**payload, "recipient_agencies": [str(case.public_id)]}
    bad = client.post(url, unknown, content_type="application/json")
    assert bad.status_code == 400
    assert "recipient_agencies" in bad.json()["error"]["fields"]
    assert Consent.objects.count() == count


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        # A Haven agency written as text would never authorise a referral to it: refused.
        ({"recipients": " fictional shelter network "}, "recipients"),
        ({}, "recipients"),
    ],
)
def test_dp5_a_consent_to_share_names_haven_agencies_from_the_list(
    case, case_worker, shelter, fields, field
):
    count = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        _sharing(case, case_worker, **fields)
    assert list(exc.value.message_dict) == [field]
    assert (Consent.objects.count(), AuditEvent.objects.count()) == (0, count)


def test_dp5_agencies_are_named_only_on_a_consent_to_share(case, case_worker, shelter):
    with pytest.raises(ValidationError) as exc:
        consent_record(
            case=case,
            actor=case_worker,
            purpose=Purpose.PSYCHOLOGICAL_SUPPORT,
            recipient_agencies=[shelter],
            given_on=timezone.localdate(),
            language="my",
            formats=["verbal"],
            explained_by="Fictional case worker",
            checklist=list(CHECKLIST_KEYS),
            child_answer="agrees",
            representative="guardian",
            representative_name="Fictional guardian",
            representative_answer="consents",
        )
    assert list(exc.value.message_dict) == ["recipient_agencies"]
    assert Consent.objects.count() == 0

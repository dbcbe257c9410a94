"""Keeping the directory (CC-15) and recording data-sharing assessments (DP-16) on the pages."""

from django.test import Client

from haven.audit.models import AuditEvent
from haven.core.sessions import MENU_COUNT_KEY
from haven.directory.models import ServiceOffer, SharingAssessment
from haven.directory.services import referral_decline, referral_send
from haven.web import context_processors
from tests.conftest import signed_in
from tests.directory.conftest import REASON, sharing_consent
from tests.reports.conftest import open_case


def test_cc15_an_agency_admin_adds_edits_and_stops_a_service(client: Client, shelter_admin):
    signed_in(client, shelter_admin)
    body = {
        "service_type": "Legal",
        "name": "Fictional legal clinic",
        "min_age": "12",
        "max_age": "8",
        "country": "TH",
        "languages": ["th", "my"],
        "forms": ["ForcedLabour"],
    }
    # An upside-down age range is refused, and nothing is saved
    refused = client.post("/directory/manage/new/", body)
    assert refused.status_code == 400
    assert "The upper age cannot be below the lower age." in refused.content.decode()
    assert ServiceOffer.objects.count() == 0
    body["max_age"] = "17"
    assert client.post("/directory/manage/new/", body).status_code == 302
    offer = ServiceOffer.objects.get()
    assert (offer.min_age, offer.max_age, offer.languages, offer.forms) == (
        12,
        17,
        ["th", "my"],
        ["ForcedLabour"],
    )
    edited = client.post(
        f"/directory/manage/{offer.public_id}/", {**body, "name": "Fictional law clinic"}
    )
    assert edited.status_code == 302
    offer.refresh_from_db()
    # The checkbox was not sent: editing also takes the service off until it is ticked again
    assert (offer.name, offer.is_active) == ("Fictional law clinic", False)
    client.post(f"/directory/manage/{offer.public_id}/", {**body, "is_active": "on"})
    offer.refresh_from_db()
    assert offer.is_active is True
    assert client.post(f"/directory/manage/{offer.public_id}/deactivate/").status_code == 302
    offer.refresh_from_db()
    assert offer.is_active is False
    assert client.get("/api/v1/directory/offers/").json() == []
    assert list(
        AuditEvent.objects.filter(object_id=str(offer.public_id)).values_list("action", flat=True)
    ) == ["offer.create", "offer.update", "offer.update", "offer.update"]


def test_dp16_a_supervisor_records_an_assessment_on_the_page(
    client: Client, supervisor, agency, shelter
):
    signed_in(client, supervisor)
    short = {
        "to_agency": str(shelter.public_id),
        "risks": "x",
        "safeguards": "y",
        "approved": "yes",
    }
    assert client.post("/directory/assessments/", short).status_code == 400
    assert SharingAssessment.objects.count() == 0
    body = {
        **short,
        "risks": "Fictional: staff might talk about a child.",
        "safeguards": "Fictional: signed agreement.",
    }
    assert client.post("/directory/assessments/", body).status_code == 302
    assessment = SharingAssessment.objects.get()
    assert (assessment.from_agency, assessment.to_agency, assessment.approved) == (
        agency,
        shelter,
        True,
    )
    assert assessment.decided_by == supervisor


def test_cc15_the_nav_counts_the_referrals_waiting_for_the_agency(
    client: Client, referral, psychologist, case_worker
):
    signed_in(client, psychologist)
    assert "1 referral waiting" in client.get("/directory/").content.decode()
    client.logout()
    signed_in(client, case_worker)  # the referring side has nothing waiting
    page = client.get("/directory/").content.decode()
    assert "Services" in page and "referral waiting" not in page


def test_cc15_without_a_case_of_their_own_the_count_is_read_on_every_page(
    client: Client, referral, psychologist
):
    signed_in(client, psychologist)
    assert "1 referral waiting" in client.get("/directory/").content.decode()
    referral_decline(
        referral=referral,
        actor=psychologist,
        reason_code="no_capacity",
        reason="Fictional: no counsellor speaks Burmese this month.",
    )

    assert "referral waiting" not in client.get("/directory/").content.decode()
    assert MENU_COUNT_KEY not in client.session  # nothing kept, the session not written


def test_cc15_for_someone_who_holds_cases_the_count_is_kept_a_minute(
    client: Client, accepted, psychologist, case_worker, counselling, shelter, monkeypatch
):
    """The recipient holds the accepted referral's case, so their menu's figures are kept a
    minute; a referral sent to their agency meanwhile shows when the minute is over."""
    signed_in(client, psychologist)
    assert "referral waiting" not in client.get("/directory/").content.decode()
    another = open_case(case_worker, case_worker.memberships.get().agency)
    referral_send(
        case=another,
        actor=case_worker,
        offer=counselling,
        reason=REASON,
        consent=sharing_consent(another, case_worker, to=shelter),
    )

    assert "referral waiting" not in client.get("/directory/").content.decode()
    now = context_processors.time.time()
    monkeypatch.setattr(context_processors.time, "time", lambda: now + 61)
    assert "1 referral waiting" in client.get("/directory/").content.decode()

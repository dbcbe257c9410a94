"""Agencies and how to reach them (CC-9, CC-15): a system administrator adds agencies and
changes any agency's contact details, an agency administrator their own; every staff member
reads them, on the Agencies page's list and the API. A refused change changes nothing."""

import pytest
from django.test import Client

from haven.accounts.models import Agency
from haven.accounts.roles import Role
from haven.audit.models import AuditEvent
from tests.conftest import signed_in
from tests.factories import staff

pytestmark = pytest.mark.django_db

NEW = {
    "name": "Fictional Mekong Youth Shelter",
    "organisation_type": "NGO",
    "country": "LA",
    "time_zone": "Asia/Vientiane",
    "phone": "+856 21 000 555",
    "hotline": "",
    "email": "",
    "address": "",
}


@pytest.fixture
def sysadmin(agency):  # type: ignore[no-untyped-def]
    return staff(agency, Role.SYSTEM_ADMIN, username="sysadmin")


def _state() -> tuple:  # type: ignore[type-arg]
    return (
        list(Agency.objects.order_by("pk").values_list("name", "phone", "hotline", "address")),
        AuditEvent.objects.filter(action__startswith="agency.").count(),
    )


def test_a_system_administrator_lands_on_the_agencies_and_adds_one(sysadmin, agency):
    client = signed_in(Client(), sysadmin)
    assert client.get("/").url == "/accounts/agencies/"
    assert client.get("/accounts/agencies/").status_code == 200

    response = client.post("/accounts/agencies/new/", NEW)

    assert response.status_code == 302
    added = Agency.objects.get(name=NEW["name"])
    assert (added.country, added.phone, added.time_zone) == (
        "LA",
        "+856 21 000 555",
        NEW["time_zone"],
    )
    assert (
        AuditEvent.objects.filter(action="agency.create", object_id=str(added.public_id)).count()
        == 1
    )


def test_an_agency_administrator_changes_their_own_agencys_numbers(admin, agency):
    client = signed_in(Client(), admin)
    page = client.get(f"/accounts/agencies/{agency.public_id}/")
    version = page.context["form"].initial["version"]

    response = client.post(
        f"/accounts/agencies/{agency.public_id}/",
        {"version": version, "phone": "+66 2 000 1111", "hotline": "1300", "address": "Fictional"},
    )

    assert response.status_code == 302
    agency.refresh_from_db()
    assert (agency.phone, agency.hotline, agency.address) == ("+66 2 000 1111", "1300", "Fictional")
    event = AuditEvent.objects.get(action="agency.contacts")
    assert event.changes["phone"] == ["", "+66 2 000 1111"]


def test_an_agency_administrator_cannot_change_another_agency_nor_add_one(admin, other_agency):
    client = signed_in(Client(), admin)
    before = _state()
    assert client.get(f"/accounts/agencies/{other_agency.public_id}/").status_code == 404
    assert (
        client.post(
            f"/accounts/agencies/{other_agency.public_id}/", {"phone": "+855 1"}
        ).status_code
        == 404
    )
    assert client.post("/accounts/agencies/new/", NEW).status_code == 403
    assert _state() == before


def test_a_case_worker_may_not_open_the_agencies_page(case_worker):
    assert signed_in(Client(), case_worker).get("/accounts/agencies/").status_code == 403


def test_a_phone_number_in_words_is_refused_and_nothing_changes(admin, agency):
    client = signed_in(Client(), admin)
    before = _state()

    response = client.post(f"/accounts/agencies/{agency.public_id}/", {"phone": "call Somchai"})

    assert response.status_code == 400
    assert "Write a phone number in figures, e.g. +66 2 123 4567." in response.content.decode()
    assert _state() == before


def test_a_stale_edit_is_refused_with_409_and_changes_nothing(admin, sysadmin, agency):
    client = signed_in(Client(), admin)
    version = (
        client.get(f"/accounts/agencies/{agency.public_id}/").context["form"].initial["version"]
    )
    signed_in(Client(), sysadmin).post(
        f"/accounts/agencies/{agency.public_id}/", {"phone": "+66 2 000 2222"}
    )
    before = _state()

    response = client.post(
        f"/accounts/agencies/{agency.public_id}/", {"version": version, "phone": "+66 2 000 3333"}
    )

    assert response.status_code == 409
    assert _state() == before


def test_every_staff_member_reads_the_agencies_on_the_api(case_worker, agency, other_agency):
    Agency.objects.filter(pk=other_agency.pk).update(phone="+855 23 000 111", hotline="1280")
    rows = signed_in(Client(), case_worker).get("/api/v1/agencies/").json()
    assert [(r["name"], r["phone"], r["hotline"]) for r in rows] == [
        ("Fictional Shelter Network", "+855 23 000 111", "1280"),
        ("Fictional Child Protection Office", "", ""),
    ]
    assert Client().get("/api/v1/agencies/").status_code in (401, 403)


def test_the_api_adds_and_changes_agencies_only_for_those_who_may(
    case_worker, sysadmin, admin, agency, other_agency
):
    before = _state()
    worker = signed_in(Client(), case_worker)
    assert worker.post("/api/v1/agencies/", NEW, content_type="application/json").status_code == 403
    assert (
        signed_in(Client(), admin)
        .patch(
            f"/api/v1/agencies/{other_agency.public_id}/",
            {"phone": "1"},
            content_type="application/json",
        )
        .status_code
        == 404
    )
    assert _state() == before

    added = signed_in(Client(), sysadmin).post(
        "/api/v1/agencies/", NEW, content_type="application/json"
    )
    assert added.status_code == 201
    changed = signed_in(Client(), admin).patch(
        f"/api/v1/agencies/{agency.public_id}/",
        {"hotline": "1300"},
        content_type="application/json",
    )
    assert (changed.status_code, changed.json()["hotline"]) == (200, "1300")
    refused = signed_in(Client(), admin).patch(
        f"/api/v1/agencies/{agency.public_id}/",
        {"phone": "no number"},
        content_type="application/json",
    )
    assert refused.status_code == 400
    agency.refresh_from_db()
    assert (agency.phone, agency.hotline) == ("", "1300")


def test_the_staff_page_is_a_list_that_fits_a_phone(admin, case_worker):
    page = signed_in(Client(), admin).get("/accounts/members/").content.decode()
    # A table of four columns ran to 465 px on a 360 px screen; each person is now a list item.
    assert "<table" not in page
    assert page.count('<div class="actions">') == 1  # the other person's reset buttons

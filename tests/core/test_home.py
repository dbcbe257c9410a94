"""Where each person lands after signing in: case workers on their cases, and those who hold no
case on the page their work is on (CC-12 complaints, CC-16 statistics, staff accounts)."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts.roles import Role
from tests.accounts.test_login import PASSWORD, code_for
from tests.conftest import signed_in
from tests.factories import staff


@pytest.mark.parametrize(
    ("role", "landing"),
    [
        (Role.CASE_WORKER, "cases:my_cases"),
        (Role.SUPERVISOR, "cases:my_cases"),
        (Role.GUARDIAN, "cases:my_cases"),
        (Role.SAFEGUARDING_LEAD, "voice:list"),
        (Role.STATISTICIAN, "reports:statistics"),
        (Role.AGENCY_ADMIN, "accounts:members"),
    ],
)
@pytest.mark.django_db
def test_home_leads_each_role_to_its_work(client, agency, role, landing):
    signed_in(client, staff(agency, role, username="person"))

    response = client.get("/")

    assert (response.status_code, response.url) == (302, reverse(landing))


@pytest.mark.django_db
def test_home_sends_a_visitor_to_sign_in_through_my_cases(client):
    response = client.get("/", follow=True)

    assert response.redirect_chain[0] == (reverse("cases:my_cases"), 302)
    assert response.request["PATH_INFO"] == reverse("accounts:login")


@pytest.mark.parametrize(
    ("role", "landing"),
    [
        (Role.CASE_WORKER, "/cases/"),
        (Role.STATISTICIAN, "/reports/statistics/"),
        (Role.SAFEGUARDING_LEAD, "/voice/"),
        (Role.AGENCY_ADMIN, "/accounts/members/"),
    ],
)
@pytest.mark.django_db
def test_signing_in_lands_each_role_on_its_page_in_one_step(client, agency, role, landing):
    person = staff(agency, role, username="person")
    assert client.post(
        "/accounts/login/", {"username": "person", "password": PASSWORD}
    ).url.startswith("/accounts/verify/")

    device = TOTPDevice.objects.get(user=person)
    response = client.post("/accounts/verify/", {"token": code_for(device)})

    assert (response.status_code, response.url) == (302, landing)
    assert client.get(landing).status_code == 200

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from haven.accounts.models import Agency, Membership, User
from haven.accounts.roles import Role
from tests.conftest import signed_in


def test_agency_admin_adds_a_colleague_who_must_change_the_temporary_password(
    client, admin, agency
):
    signed_in(client, admin)
    response = client.post(
        "/accounts/members/new/",
        {
            "agency": str(agency.public_id),
            "username": "newcw",
            "first_name": "Fictional",
            "last_name": "Colleague",
            "role": Role.CASE_WORKER,
            "languages": ["th", "my"],
        },
    )

    assert response.status_code == 200
    user = User.objects.get(username="newcw")
    assert user.must_change_password is True
    # CC-10: the languages they work in are recorded, to be compared with the child's
    assert sorted(user.languages) == ["my", "th"]
    assert Membership.objects.get(user=user).role == Role.CASE_WORKER
    assert "Account created" in response.content.decode()


def test_agency_admin_cannot_add_a_system_administrator(client, admin, agency):
    signed_in(client, admin)
    response = client.post(
        "/accounts/members/new/",
        {
            "agency": str(agency.public_id),
            "username": "root",
            "first_name": "X",
            "role": Role.SYSTEM_ADMIN,
        },
    )
    assert response.status_code == 400
    assert not User.objects.filter(username="root").exists()


def test_case_worker_cannot_open_the_add_staff_page(client, case_worker):
    signed_in(client, case_worker)
    assert client.get("/accounts/members/new/").status_code == 403


@pytest.mark.django_db
def test_bootstrap_agency_creates_the_agency_and_its_first_administrator():
    out = StringIO()
    call_command(
        "bootstrap_agency",
        "--name=Fictional Provincial Office",
        "--type=NonPoliceGovernmentalOrganization",
        "--country=ID",
        "--time-zone=Asia/Jakarta",
        "--child-protection-authority",
        "--admin-username=firstadmin",
        stdout=out,
    )
    agency = Agency.objects.get(name="Fictional Provincial Office")
    user = User.objects.get(username="firstadmin")
    assert (agency.country, agency.time_zone, agency.is_child_protection_authority) == (
        "ID",
        "Asia/Jakarta",
        True,
    )
    assert (user.must_change_password, Membership.objects.get(user=user).role) == (
        True,
        Role.AGENCY_ADMIN,
    )
    assert "Temporary password" in out.getvalue()


@pytest.mark.django_db
def test_bootstrap_agency_refuses_an_unknown_country_and_creates_nothing():
    with pytest.raises(CommandError):
        call_command(
            "bootstrap_agency",
            "--name=Nowhere",
            "--type=NGO",
            "--country=XX",
            "--admin-username=nobody",
            stdout=StringIO(),
        )
    assert not Agency.objects.filter(name="Nowhere").exists()
    assert not User.objects.filter(username="nobody").exists()

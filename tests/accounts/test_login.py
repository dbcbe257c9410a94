"""Signing in for real: password, then the TOTP second factor (or enrolment of one), lockout after
wrong passwords, ending sessions, temporary passwords, and the demo's on-screen codes."""

import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts.models import Membership, User
from haven.accounts.roles import Role
from haven.audit.models import AuditEvent
from haven.cases.models import CaseNote
from tests.conftest import account_state, signed_in
from tests.factories import UserFactory, staff

PASSWORD = "correct-horse-battery"  # the factories' password


def code_for(device: TOTPDevice) -> str:
    return str(TOTP(device.bin_key, device.step, device.t0, device.digits).token()).zfill(
        device.digits
    )


def wrong_code_for(device: TOTPDevice) -> str:
    return f"{(int(code_for(device)) + 500_000) % 1_000_000:06d}"


def log_in(client: Client, user: User, password: str = PASSWORD, next_url: str = ""):  # type: ignore[no-untyped-def]
    url = "/accounts/login/" + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"username": user.username, "password": password})


def assert_needs_second_factor(client: Client, case) -> None:  # type: ignore[no-untyped-def]
    for url in ("/cases/", f"/cases/{case.public_id}/", "/alerts/", "/accounts/me/"):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, "/accounts/verify/"), url
    for url in ("/api/v1/cases/", f"/api/v1/cases/{case.public_id}/"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert response.json()["error"]["code"] == "second_factor_required"
    # Writes are refused the same way, and leave nothing behind.
    response = client.post(f"/cases/{case.public_id}/notes/", {"body": "Fictional note."})
    assert (response.status_code, response["Location"]) == (302, "/accounts/verify/")
    response = client.post(
        f"/api/v1/cases/{case.public_id}/notes/",
        {"body": "Fictional note."},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "second_factor_required"
    assert not CaseNote.objects.exists()


# --- password, then the second factor -------------------------------------------------------


def test_login_needs_the_password_and_then_the_totp_code(client: Client, case, case_worker) -> None:
    response = log_in(client, case_worker)
    assert (response.status_code, response["Location"]) == (302, "/accounts/verify/")

    # Between the two steps nothing but the sign-in pages is reachable.
    assert_needs_second_factor(client, case)
    assert client.get("/accounts/verify/").status_code == 200

    device = TOTPDevice.objects.get(user=case_worker)
    response = client.post("/accounts/verify/", {"token": code_for(device)})
    assert (response.status_code, response["Location"]) == (302, "/cases/")
    assert client.get("/cases/").status_code == 200
    assert client.get(f"/cases/{case.public_id}/").status_code == 200
    assert client.get(f"/api/v1/cases/{case.public_id}/").status_code == 200


def test_login_keeps_a_local_next_page_and_drops_a_foreign_one(
    client: Client, case, case_worker, supervisor
) -> None:
    device = TOTPDevice.objects.get(user=case_worker)
    response = log_in(client, case_worker, next_url=f"/cases/{case.public_id}/")
    verify_url = response["Location"]
    assert parse_qs(urlsplit(verify_url).query)["next"] == [f"/cases/{case.public_id}/"]
    response = client.post(verify_url, {"token": code_for(device)})
    assert response["Location"] == f"/cases/{case.public_id}/"

    # (another user: a TOTP code is accepted once only)
    other = Client()
    log_in(other, supervisor)
    response = other.post(
        "/accounts/verify/?next=https://attacker.example/",
        {"token": code_for(TOTPDevice.objects.get(user=supervisor))},
    )
    assert response["Location"] == "/cases/"


def test_login_with_a_wrong_totp_code_stays_unverified(client: Client, case, case_worker) -> None:
    log_in(client, case_worker)
    device = TOTPDevice.objects.get(user=case_worker)
    response = client.post("/accounts/verify/", {"token": wrong_code_for(device)})
    assert response.status_code == 200
    assert "That code is not right or has expired." in response.content.decode()
    assert_needs_second_factor(client, case)


def test_login_with_a_wrong_password_signs_nobody_in(client: Client, case_worker) -> None:
    response = log_in(client, case_worker, password="wrong-password-123")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert client.get("/cases/")["Location"].startswith("/accounts/login/")


# --- enrolment of a second factor -------------------------------------------------------------


@pytest.fixture
def newcomer(agency):  # type: ignore[no-untyped-def]
    """A case worker without a second factor yet."""
    user = UserFactory(username="newcomer")
    Membership.objects.create(user=user, agency=agency, role=Role.CASE_WORKER)
    return user


def test_a_user_without_a_device_is_sent_to_enrol_and_sees_a_qr_code(
    client: Client, case, newcomer
) -> None:
    log_in(client, newcomer)
    assert client.get("/accounts/verify/")["Location"] == "/accounts/enrol/"
    assert client.get("/cases/")["Location"] == "/accounts/verify/"
    response = client.get("/accounts/enrol/")
    assert response.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in response.content.decode()
    assert client.get(f"/api/v1/cases/{case.public_id}/").status_code == 403


def test_enrolling_with_the_right_code_confirms_the_device_and_signs_in(
    client: Client, newcomer
) -> None:
    log_in(client, newcomer)
    client.get("/accounts/enrol/")
    device = TOTPDevice.objects.get(user=newcomer, confirmed=False)

    response = client.post("/accounts/enrol/", {"token": code_for(device)})

    assert (response.status_code, response["Location"]) == (302, "/cases/")
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/cases/").status_code == 200
    assert AuditEvent.objects.filter(action="user.second_factor_enrol", actor=newcomer).exists()


def test_enrolling_with_a_wrong_code_confirms_nothing(client: Client, case, newcomer) -> None:
    log_in(client, newcomer)
    client.get("/accounts/enrol/")
    device = TOTPDevice.objects.get(user=newcomer, confirmed=False)

    response = client.post("/accounts/enrol/", {"token": wrong_code_for(device)})

    assert response.status_code == 200
    assert "That code is not right." in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert_needs_second_factor(client, case)


def test_the_enrol_page_is_not_for_users_who_have_a_device(client: Client, case_worker) -> None:
    # Otherwise a stolen password could enrol the thief's phone.
    log_in(client, case_worker)
    assert client.get("/accounts/enrol/")["Location"] == "/accounts/verify/"
    assert TOTPDevice.objects.filter(user=case_worker).count() == 1


# --- lockout (django-axes) --------------------------------------------------------------------


def test_lockout_after_the_failure_limit_refuses_even_the_right_password(
    client: Client, settings, case_worker, supervisor
) -> None:
    assert settings.AXES_FAILURE_LIMIT == 3
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, case_worker, password="wrong-password-123").status_code == 200
    locked = log_in(client, case_worker, password="wrong-password-123")
    assert locked.status_code == 429

    response = log_in(client, case_worker)

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # The lock is for that account: a colleague on the same network can still sign in.
    assert log_in(Client(), supervisor)["Location"] == "/accounts/verify/"


# --- ending sessions --------------------------------------------------------------------------


def test_logout_everywhere_ends_the_sessions_on_other_devices(
    case, case_worker, supervisor
) -> None:
    phone, laptop, colleague = Client(), Client(), Client()
    signed_in(phone, case_worker)
    signed_in(laptop, case_worker)
    signed_in(colleague, supervisor)
    assert laptop.get("/cases/").status_code == 200

    response = phone.post("/accounts/logout-everywhere/")

    assert response["Location"] == "/accounts/login/"
    for client in (phone, laptop):
        assert client.get("/cases/")["Location"].startswith("/accounts/login/")
        assert client.get(f"/api/v1/cases/{case.public_id}/").status_code == 403
    assert colleague.get("/cases/").status_code == 200


def test_logout_ends_this_session(client: Client, case_worker) -> None:
    signed_in(client, case_worker)
    assert client.post("/accounts/logout/")["Location"] == "/accounts/login/"
    assert client.get("/cases/")["Location"].startswith("/accounts/login/")


# --- temporary passwords ----------------------------------------------------------------------


def test_a_user_with_a_temporary_password_must_change_it_first(
    client: Client, case, case_worker
) -> None:
    User.objects.filter(pk=case_worker.pk).update(must_change_password=True)
    log_in(client, case_worker)
    client.post("/accounts/verify/", {"token": code_for(TOTPDevice.objects.get(user=case_worker))})

    for url in ("/cases/", f"/cases/{case.public_id}/", "/accounts/me/"):
        assert client.get(url)["Location"] == "/accounts/password/", url
    api = client.get(f"/api/v1/cases/{case.public_id}/")
    assert api.status_code == 403
    assert api.json()["error"]["code"] == "password_change_required"
    assert client.get("/accounts/password/").status_code == 200

    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-fictional-passphrase",
            "new_password2": "a-new-fictional-passphrase",
        },
    )

    assert response["Location"] == "/cases/"
    assert client.get(f"/cases/{case.public_id}/").status_code == 200
    case_worker.refresh_from_db()
    assert not case_worker.must_change_password
    assert case_worker.check_password("a-new-fictional-passphrase")


def test_agency_admin_resets_a_colleagues_password(client: Client, admin, case_worker) -> None:
    colleague_session = signed_in(Client(), case_worker)
    signed_in(client, admin)
    before = account_state(case_worker)

    response = client.post(f"/accounts/members/{case_worker.public_id}/reset/")

    assert response.status_code == 200
    password = response.context["password"]
    assert password in response.content.decode()
    case_worker.refresh_from_db()
    assert case_worker.password != before[0]
    assert case_worker.check_password(password)
    assert case_worker.must_change_password
    assert AuditEvent.objects.filter(action="user.password_reset", actor=admin).exists()
    assert colleague_session.get("/cases/")["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("who", "status"),
    # Someone who administers none of the person's agencies is told "not found", as for an
    # account that does not exist: an answer must not reveal that an account exists elsewhere.
    [("other_agency_admin", 404), ("case_worker_of_the_agency", 404), ("self", 403)],
)
def test_password_reset_by_someone_not_allowed_is_refused_and_changes_nothing(
    client: Client, agency, other_agency, admin, case_worker, who: str, status: int
) -> None:
    actor, target = {
        "other_agency_admin": (staff(other_agency, Role.AGENCY_ADMIN), case_worker),
        "case_worker_of_the_agency": (staff(agency, Role.CASE_WORKER), case_worker),
        "self": (admin, admin),
    }[who]
    signed_in(client, actor)
    before = account_state(target)

    response = client.post(f"/accounts/members/{target.public_id}/reset/")

    assert response.status_code == status
    assert account_state(target) == before


@pytest.mark.parametrize("action", ["reset", "reset-second-step"])
def test_resetting_another_agencys_account_answers_as_for_an_unknown_one(
    client: Client, other_agency, case_worker, action: str
) -> None:
    signed_in(client, staff(other_agency, Role.AGENCY_ADMIN))
    before = account_state(case_worker)

    theirs = client.post(f"/accounts/members/{case_worker.public_id}/{action}/")
    unknown = client.post(f"/accounts/members/{uuid.uuid4()}/{action}/")

    assert (theirs.status_code, unknown.status_code) == (404, 404)
    assert account_state(case_worker) == before


def test_password_reset_is_post_only(client: Client, admin, case_worker) -> None:
    signed_in(client, admin)
    before = account_state(case_worker)
    assert client.get(f"/accounts/members/{case_worker.public_id}/reset/").status_code == 405
    assert account_state(case_worker) == before


# --- the demo's on-screen code ----------------------------------------------------------------


def test_without_demo_mode_the_verify_page_never_shows_a_code(
    client: Client, settings, case_worker
) -> None:
    assert settings.DEMO_MODE is False
    log_in(client, case_worker)
    device = TOTPDevice.objects.get(user=case_worker)
    before = code_for(device)
    html = client.get("/accounts/verify/").content.decode()
    assert "Demo only" not in html and 'class="code"' not in html
    assert before not in html and code_for(device) not in html


def test_without_demo_mode_the_enrol_page_shows_no_current_code(
    client: Client, settings, newcomer
) -> None:
    log_in(client, newcomer)
    html = client.get("/accounts/enrol/").content.decode()
    assert "Demo only" not in html


def test_with_demo_mode_the_verify_page_shows_the_current_code(
    client: Client, settings, case_worker
) -> None:
    settings.DEMO_MODE = True
    log_in(client, case_worker)
    device = TOTPDevice.objects.get(user=case_worker)
    before = code_for(device)
    html = client.get("/accounts/verify/").content.decode()
    after = code_for(device)  # the code may have moved on during the request
    assert "Demo only" in html
    assert f'<span class="code">{before}</span>' in html or (
        f'<span class="code">{after}</span>' in html
    )


def test_dp13_the_session_key_is_renewed_once_the_second_factor_passes(
    client: Client, case_worker
) -> None:
    """Session fixation: a key known before the second step (a shared computer, a log) must not
    be the key of the verified session."""
    log_in(client, case_worker)
    before = client.session.session_key
    device = TOTPDevice.objects.get(user=case_worker)

    response = client.post("/accounts/verify/", {"token": code_for(device)})

    assert response.status_code == 302
    after = client.session.session_key
    assert after is not None and after != before
    assert client.get("/cases/").status_code == 200

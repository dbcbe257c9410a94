"""The idle timeout (haven.core.sessions.SessionMiddleware): requests renew the session at most
once a minute, a session ends after the idle minutes without a request, and a renewal that
cannot be saved never fails the response of a request whose write has committed (issue 14)."""

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from unittest.mock import patch

import pytest
from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage.session import SessionStorage
from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.models import Session
from django.db import DatabaseError, OperationalError, connection
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from haven.cases.emergency_views import SESSION_KEY as EMERGENCY_KEY
from haven.cases.models import Interview
from haven.core.sessions import RENEW_AFTER_SECONDS, SessionMiddleware
from tests.conftest import signed_in

IDLE = timedelta(seconds=settings.SESSION_COOKIE_AGE)


def _key(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _renewed(client: Client, *, seconds_ago: int) -> None:
    """Make the client's session look last renewed `seconds_ago`: its row expires a full idle
    timeout after that."""
    expiry = timezone.now() - timedelta(seconds=seconds_ago) + IDLE
    Session.objects.filter(pk=_key(client)).update(expire_date=expiry)


def _expiry(client: Client) -> Any:
    return Session.objects.get(pk=_key(client)).expire_date


LOCKED = OperationalError("database is locked")
# After the request began, another one ended the session (signed out everywhere).
GONE = DatabaseError("Forced update did not affect any rows.")


def _failing_update(exc: Exception) -> Callable[..., None]:
    """The session row's save: an update fails with `exc` (the store makes it an UpdateError,
    as on a server), creating a new row still works."""
    real_save = Session.save

    def save(self: Session, *args: Any, force_update: bool = False, **kwargs: Any) -> None:
        if force_update:
            raise exc
        return real_save(self, *args, force_update=force_update, **kwargs)

    return save


def _interview_form() -> dict[str, str]:
    return {
        "kind": "assessment",
        "conducted_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "interviewer": "Fictional Psychologist",
        "interpreter": "Fictional Interpreter",
        "duration_minutes": "30",
        "child_told_story": "on",
    }


# --- renewal ---------------------------------------------------------------------------------


def test_signing_in_counts_as_a_renewal(client, case_worker):
    """A session saved outside a request (here by the test's sign-in) is renewed by that save:
    the next request within the minute writes nothing."""
    signed_in(client, case_worker)
    before = _expiry(client)

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/cases/").status_code == 200

    assert _expiry(client) == before
    sql = [query["sql"] for query in queries.captured_queries]
    assert not [q for q in sql if q.startswith(("UPDATE", "INSERT")) and "django_session" in q]


def test_a_request_within_the_interval_does_not_renew_the_session(client, case_worker):
    signed_in(client, case_worker)
    _renewed(client, seconds_ago=RENEW_AFTER_SECONDS - 5)
    before = _expiry(client)

    assert client.get("/cases/").status_code == 200

    assert _expiry(client) == before


def test_a_request_after_the_interval_renews_the_session_for_the_idle_minutes(client, case_worker):
    signed_in(client, case_worker)
    _renewed(client, seconds_ago=RENEW_AFTER_SECONDS + 5)
    asked = timezone.now()

    assert client.get("/cases/").status_code == 200

    assert asked + IDLE <= _expiry(client) <= timezone.now() + IDLE


def test_a_session_without_a_request_for_the_idle_minutes_has_ended(client, case_worker):
    signed_in(client, case_worker)
    # last renewed a minute longer ago than the idle timeout
    _renewed(client, seconds_ago=int(IDLE.total_seconds()) + 60)

    response = client.get("/cases/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_request_just_before_the_idle_timeout_keeps_the_session_open(client, case_worker):
    signed_in(client, case_worker)
    _renewed(client, seconds_ago=int(IDLE.total_seconds()) - 5)
    asked = timezone.now()

    assert client.get("/cases/").status_code == 200

    assert _expiry(client) >= asked + IDLE


def test_a_request_that_changes_the_session_renews_it_with_its_save(client, case_worker, case):
    """Saving a session renews it, whatever the reason (here the "recorded" message of an
    interview), as Django's middleware does."""
    signed_in(client, case_worker)
    _renewed(client, seconds_ago=RENEW_AFTER_SECONDS - 5)
    asked = timezone.now()

    response = client.post(f"/cases/{case.public_id}/interviews/new/", _interview_form())

    assert response.status_code == 302, response.content
    assert _expiry(client) >= asked + IDLE


# --- a renewal that cannot be saved ----------------------------------------------------------


@pytest.mark.parametrize("exc", [LOCKED, GONE], ids=["locked", "gone"])
def test_a_renewal_that_cannot_be_saved_leaves_the_page_as_it_was(client, case_worker, caplog, exc):
    signed_in(client, case_worker)
    _renewed(client, seconds_ago=RENEW_AFTER_SECONDS + 5)
    before = _expiry(client)

    with patch.object(Session, "save", _failing_update(exc)), caplog.at_level(logging.WARNING):
        response = client.get("/cases/")

    assert response.status_code == 200
    assert "Cookie" in response["Vary"]
    assert _expiry(client) == before
    causes = f"SessionInterrupted < UpdateError < {type(exc).__name__}"
    assert f"session renewal not saved ({causes})" in caplog.text


def test_issue14_a_committed_interview_is_answered_as_recorded_when_the_session_is_locked(
    client, case_worker, case
):
    """The finding: the interview was committed, then saving the session (the renewal and the
    "recorded" message) hit "database is locked" and the page answered 400; the user sent it
    again and the child's retelling count went up twice."""
    signed_in(client, case_worker)
    _renewed(client, seconds_ago=RENEW_AFTER_SECONDS + 5)
    form = _interview_form()

    failing = _failing_update(LOCKED)
    with patch.object(Session, "save", failing):
        response = client.post(f"/cases/{case.public_id}/interviews/new/", form)
    with patch.object(Session, "save", failing):
        api = client.post(
            f"/api/v1/cases/{case.public_id}/interviews/",
            {
                **form,
                "conducted_at": (timezone.now() - timedelta(hours=1)).isoformat(),
                "duration_minutes": 30,
                "child_told_story": True,
            },
            content_type="application/json",
        )

    assert response.status_code == 302, response.content
    assert api.status_code == 201, api.content
    assert Interview.objects.filter(case=case).count() == 2


# --- a save that carries a real change fails as Django's does --------------------------------


def _through_the_middleware(client: Client, view: Callable[[HttpRequest], None]) -> Any:
    request = RequestFactory().get("/")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = _key(client)

    def respond(request: HttpRequest) -> HttpResponse:
        view(request)
        return HttpResponse("ok")

    return SessionMiddleware(respond)(request)


def _second_factor(request: HttpRequest) -> None:
    request.session[DEVICE_ID_SESSION_KEY] = "otp_totp.totpdevice/999"


def _emergency_access(request: HttpRequest) -> None:
    request.session[EMERGENCY_KEY] = {"case": ["REF-1", timezone.now().isoformat()]}


def _new_key(request: HttpRequest) -> None:
    request.session.cycle_key()


def _signed_out(request: HttpRequest) -> None:
    request.session.pop("_auth_user_id")


@pytest.mark.parametrize(
    "change",
    [_second_factor, _emergency_access, _new_key, _signed_out],
    ids=["second-factor", "emergency-access", "new-key", "signed-out"],
)
def test_a_real_change_that_cannot_be_saved_fails_the_request(client, case_worker, change):
    signed_in(client, case_worker)
    _renewed(client, seconds_ago=RENEW_AFTER_SECONDS - 5)

    failing = _failing_update(LOCKED)
    with patch.object(Session, "save", failing), pytest.raises(SessionInterrupted):
        _through_the_middleware(client, change)


def _flash_message(request: HttpRequest) -> None:
    request._messages = SessionStorage(request)  # type: ignore[attr-defined]
    messages.success(request, "Fictional: recorded.")
    request._messages.update(HttpResponse())  # type: ignore[attr-defined]


def _nothing(request: HttpRequest) -> None:
    pass


@pytest.mark.parametrize("change", [_flash_message, _nothing], ids=["flash-message", "renewal"])
def test_a_disposable_change_that_cannot_be_saved_does_not_fail_the_request(
    client, case_worker, change
):
    signed_in(client, case_worker)
    _renewed(client, seconds_ago=RENEW_AFTER_SECONDS + 5)

    with patch.object(Session, "save", _failing_update(LOCKED)):
        response = _through_the_middleware(client, change)

    assert response.status_code == 200

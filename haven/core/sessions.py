"""Sessions: Django's database sessions and middleware, with the idle timeout renewed at most
once a minute and a renewal that cannot fail a response (SESSION_ENGINE and MIDDLEWARE name
this module).

Hand-written because Django has no throttled renewal. Its two choices are to save the session
only when a request changes it (then the timeout counts from sign-in, not from the last
request) or to save it after every request (SESSION_SAVE_EVERY_REQUEST): one more write after
every request, including a write whose own transaction has already committed. When that extra
write failed ("database is locked" with twenty writes to one case on SQLite), Django turned the
response into a 400 (SessionInterrupted) although the interview was recorded, and a user who
sent it again recorded it twice and inflated the child's retelling count (CC-6).

Here a request renews the session when the expiry of its stored row is more than
RENEW_AFTER_SECONDS short of a full idle timeout, so a session still ends after
HAVEN_SESSION_IDLE_MINUTES without a request (up to a minute sooner, never later). The row's own
expiry says when it was last renewed: nothing more is stored, and a session saved elsewhere (at
sign-in) counts as renewed. A save that carries only the renewal, or flash messages (kept in
the session, DP-13), can be lost without harm: the response already says what the request did,
and the next request renews again. If it fails on the database, the response is sent as it is
and a warning logged. A save that carries anything else (sign-in, the second factor, a new
session key, emergency access) fails as Django's does.
"""

import copy
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.contrib.messages.storage.session import SessionStorage
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.backends.db import SessionStore as DbSessionStore
from django.contrib.sessions.base_session import AbstractBaseSession
from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers

logger = logging.getLogger(__name__)

RENEW_AFTER_SECONDS = 60
# The menu's figures (whether the person holds cases, what is due now, referrals waiting), kept
# in the session for a minute (haven.web's context processor). Every request that may write (any
# method but GET, HEAD and OPTIONS) drops them, so that the person's own changes show at once;
# other people's show within the minute.
MENU_COUNT_KEY = "haven_menu_due"
MENU_COUNT_SECONDS = 60
# Set by `reads_only` on a view that is sent by POST but writes nothing.
READS_ONLY = "haven_reads_only"


def reads_only[V: Callable[..., Any]](view: V) -> V:
    """Mark a view sent by POST that writes nothing (a search, a filtered list: POST keeps a
    child's name out of URLs, DP-13): the menu's count of what is due is kept across it."""
    setattr(view, READS_ONLY, True)
    return view


# What a request may change in the session and still lose, if saving it fails, without harm.
DISPOSABLE_KEYS = frozenset({SessionStorage.session_key, MENU_COUNT_KEY})

# The session as the request found it: its key and a copy of its data.
_AT_START = "_haven_session_at_start"


class SessionStore(DbSessionStore):
    """Django's database sessions, remembering when the row they were read from expires."""

    loaded_expiry: datetime | None = None

    def _get_session_from_db(self) -> AbstractBaseSession | None:
        row = super()._get_session_from_db()  # type: ignore[misc]  # not in django-stubs
        self.loaded_expiry = row.expire_date if row is not None else None
        return row


def renewal_due(session: SessionBase) -> bool:
    """Whether the session's stored expiry is more than RENEW_AFTER_SECONDS short of a full idle
    timeout from now. A store that does not say when its row expires is renewed every time."""
    if not isinstance(session, SessionStore):
        return True
    if session.loaded_expiry is None:  # not read from a row: it is saved if it holds anything
        return False
    full = timezone.now() + timedelta(seconds=session.get_expiry_age())
    return session.loaded_expiry <= full - timedelta(seconds=RENEW_AFTER_SECONDS)


def _chain(exc: BaseException | None) -> str:
    """The classes of an error and of those it was raised from, never their messages (which
    could hold data; DP-15): "SessionInterrupted < UpdateError < OperationalError"."""
    names: list[str] = []
    while exc is not None and len(names) < 5:
        names.append(type(exc).__name__)
        exc = exc.__cause__ or exc.__context__
    return " < ".join(names)


def _changed_keys(before: dict[str, Any], after: dict[str, Any]) -> set[str]:
    return {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}


class SessionMiddleware(DjangoSessionMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        session = request.session
        # Loading it here costs no query the authentication middleware would not make (and
        # none without a session cookie). Marked as not accessed again, so that only a request
        # that reads the session varies on the cookie, as with Django's middleware.
        data = copy.deepcopy(dict(session.items()))
        session.accessed = False
        setattr(request, _AT_START, (session.session_key, data))

    def process_view(self, request: HttpRequest, view_func: Callable[..., Any], *args: Any) -> None:
        # A write may change what is due: the menu counts it again (the person's own writes
        # show at once). A view that reads only, though sent by POST (a name searched for,
        # DP-13), keeps the count: recounting cost six queries on every search.
        session = request.session
        if (
            request.method not in ("GET", "HEAD", "OPTIONS")
            and not getattr(view_func, READS_ONLY, False)
            and MENU_COUNT_KEY in session
        ):
            accessed = session.accessed
            del session[MENU_COUNT_KEY]
            session.accessed = accessed

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        at_start = getattr(request, _AT_START, None)
        if session is None or at_start is None or session.is_empty():
            return super().process_response(request, response)
        accessed = session.accessed
        key_at_start, data_at_start = at_start
        changed = _changed_keys(data_at_start, dict(session.items()))
        if not session.modified and renewal_due(session):
            # Saved unchanged: the row's expiry moves to now + the idle timeout.
            session.modified = True
        session.accessed = accessed
        if session.session_key != key_at_start or changed - DISPOSABLE_KEYS:
            return super().process_response(request, response)
        try:
            return super().process_response(request, response)
        except (SessionInterrupted, DatabaseError) as exc:
            # The response stands: what the request wrote is committed, and the next request
            # renews the session again (or, if it was ended meanwhile, asks to sign in).
            logger.warning("session renewal not saved (%s)", _chain(exc))
            patch_vary_headers(response, ("Cookie",))
            return response

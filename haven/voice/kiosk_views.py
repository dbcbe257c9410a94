"""The children's kiosk on a shared device (CC-12, CC-13).

A staff member who may open kiosks names the place and confirms; Haven opens a KioskSession,
signs the staff member out in that browser and gives it one cookie: a signed token (HttpOnly,
SameSite=Strict, sent only to /kiosk/) whose SHA-256 is stored on the session. Without a
signed-in user, every staff page and the API refuse that browser as they refuse anyone; the
token itself lets it post feedback and read nothing, not even what it posted. Closing the kiosk
needs a staff member to sign in again on it.
"""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from haven.accounts.roles import Capability
from haven.cases.access import agencies_where, can
from haven.core.forms import apply_service_error
from haven.core.http import AuthedRequest
from haven.voice import selectors, services
from haven.voice.forms import KioskForm, KioskOpenForm
from haven.voice.models import Kind, KioskSession

COOKIE = "haven_kiosk"
DONE_COOKIE = "haven_kiosk_done"
SALT = "haven.voice.kiosk"
PATH = "/kiosk/"


def _set_cookie(response: HttpResponse, name: str, value: str, max_age: int) -> None:
    response.set_signed_cookie(
        name,
        value,
        salt=SALT,
        max_age=max_age,
        path=PATH,
        httponly=True,
        samesite="Strict",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def _token(request: HttpRequest) -> str | None:
    return request.get_signed_cookie(
        COOKIE, default=None, salt=SALT, max_age=settings.HAVEN_KIOSK_HOURS * 3600
    )


def current_kiosk(request: HttpRequest) -> KioskSession | None:
    return services.kiosk_for_token(_token(request))


def _languages(first: list[str]) -> list[dict[str, Any]]:
    """Haven's interface languages, each named in its own script: those the kiosk was opened
    to offer first (the children's in care, CC-10), then the others in settings order."""
    codes = [code for code, _name in settings.LANGUAGES]
    ordered = [c for c in first if c in codes] + [c for c in codes if c not in first]
    return [
        {
            "code": code,
            "name": get_language_info(code)["name_local"],
            # The page's heading in the language offered first, so a child who reads no
            # English knows what the row asks.
            "prompt": _in(code, "Choose your language") if code in first else "",
        }
        for code in ordered
    ]


def _in(language: str, message: str) -> str:
    with translation.override(language):
        return _(message)


def _closed(request: HttpRequest) -> HttpResponse:
    response = render(request, "voice/kiosk_closed.html", status=403)
    response.delete_cookie(COOKIE, path=PATH, samesite="Strict")
    return response


# --- staff: open and close ----------------------------------------------------------------


@login_required
def kiosk_start(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not can(user, Capability.OPEN_KIOSK):
        raise PermissionDenied
    agencies = agencies_where(user, Capability.OPEN_KIOSK)
    form = KioskOpenForm(
        request.POST or None, agencies=agencies, languages=selectors.languages_in_care(agencies)
    )
    if request.method == "POST" and form.is_valid():
        try:
            _kiosk, token = services.kiosk_open(actor=user, **form.service_kwargs())
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            # From here this browser is the kiosk's: no staff session, only the kiosk token.
            logout(request)
            response = redirect("kiosk:home")
            _set_cookie(response, COOKIE, token, settings.HAVEN_KIOSK_HOURS * 3600)
            return response
    open_kiosks = list(
        KioskSession.objects.filter(
            agency__in=agencies, closed_at__isnull=True, expires_at__gt=timezone.now()
        ).select_related("agency", "opened_by")[:50]
    )
    return render(
        request,
        "voice/kiosk_start.html",
        {"form": form, "open_kiosks": open_kiosks, "hours": settings.HAVEN_KIOSK_HOURS},
        status=400 if form.errors else 200,
    )


@login_required
def kiosk_close(request: AuthedRequest) -> HttpResponse:
    """Close the kiosk this browser holds, after a staff member signed in on it."""
    kiosk = current_kiosk(request)
    if kiosk is None:
        raise Http404
    if kiosk.agency_id not in {a.pk for a in agencies_where(request.user, Capability.OPEN_KIOSK)}:
        raise PermissionDenied
    if request.method == "POST":
        services.kiosk_close(kiosk=kiosk, actor=request.user)
        messages.success(request, _("The kiosk is closed. Sign out if you leave this device."))
        response = redirect("kiosk:start")
        response.delete_cookie(COOKIE, path=PATH, samesite="Strict")
        return response
    return render(request, "voice/kiosk_close.html", {"kiosk": kiosk})


@require_POST
@login_required
def kiosk_close_remote(request: AuthedRequest, public_id: str) -> HttpResponse:
    """Close one of the agency's kiosks from another device (a tablet left behind)."""
    kiosk = KioskSession.objects.filter(
        public_id=public_id,
        agency__in=agencies_where(request.user, Capability.OPEN_KIOSK),
        closed_at__isnull=True,
    ).first()
    if kiosk is None:
        raise Http404
    services.kiosk_close(kiosk=kiosk, actor=request.user)
    messages.success(request, _("The kiosk is closed."))
    return redirect("kiosk:start")


# --- the child's side ---------------------------------------------------------------------


def kiosk_home(request: HttpRequest) -> HttpResponse:
    """Choose your language."""
    kiosk = current_kiosk(request)
    if kiosk is None:
        return _closed(request)
    return render(
        request,
        "voice/kiosk_languages.html",
        {"kiosk": kiosk, "kiosk_languages": _languages(kiosk.languages)},
    )


def kiosk_form(request: HttpRequest, lang: str) -> HttpResponse:
    if lang not in dict(settings.LANGUAGES):
        raise Http404
    kiosk = current_kiosk(request)
    if kiosk is None:
        return _closed(request)
    translation.activate(lang)
    request.LANGUAGE_CODE = lang
    form = KioskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            feedback = services.feedback_submit_from_kiosk(
                kiosk=kiosk, language=lang, **form.cleaned_data
            )
        except PermissionDenied:
            return _closed(request)
        except ValidationError as exc:
            if getattr(exc, "code", None) == "throttled":
                return render(
                    request,
                    "voice/kiosk_busy.html",
                    {"kiosk": kiosk, "lang": lang, "message": exc.messages[0]},
                    status=429,
                )
            form.add_service_error(exc)
        else:
            response = redirect("kiosk:thanks")
            _set_cookie(response, DONE_COOKIE, f"{feedback.reference}:{feedback.kind}:{lang}", 600)
            return response
    return render(
        request,
        "voice/kiosk_form.html",
        {"kiosk": kiosk, "form": form, "lang": lang},
        status=400 if form.errors else 200,
    )


def kiosk_thanks(request: HttpRequest) -> HttpResponse:
    """The reference code, once: the cookie that carries it is deleted as it is shown, so the
    next child finds nothing of the previous one (not even with the back button)."""
    kiosk = current_kiosk(request)
    if kiosk is None:
        return _closed(request)
    done = request.get_signed_cookie(DONE_COOKIE, default=None, salt=SALT, max_age=600)
    parts = (done or "").split(":")
    if len(parts) != 3 or parts[2] not in dict(settings.LANGUAGES):
        return redirect("kiosk:home")
    reference, kind, lang = parts
    translation.activate(lang)
    request.LANGUAGE_CODE = lang
    response = render(
        request,
        "voice/kiosk_thanks.html",
        {
            "kiosk": kiosk,
            "reference": reference,
            "concern": kind == Kind.CONCERN,
            "has_lead": kind == Kind.CONCERN and selectors.has_safeguarding_lead(kiosk.agency_id),
        },
    )
    response.delete_cookie(DONE_COOKIE, path=PATH, samesite="Strict")
    return response

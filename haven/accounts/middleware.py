import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.access import memberships

# Reachable after the password and before the second factor.
_BEFORE_SECOND_FACTOR = (
    "/accounts/login/",
    "/accounts/verify/",
    "/accounts/enrol/",
    "/accounts/logout/",
    "/static/",
    "/i18n/",
)
_PASSWORD_CHANGE = "/accounts/password/"  # noqa: S105 (a path, not a password)


class SecondFactorRequiredMiddleware:
    """Every staff account uses a second factor: a session that passed the password but not the
    TOTP step reaches only the sign-in pages. A user holding a temporary password changes it
    before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        path = request.path
        if user.is_authenticated and not path.startswith(_BEFORE_SECOND_FACTOR):
            if not user.is_verified():
                return _send_to(
                    request,
                    "accounts:verify",
                    "second_factor_required",
                    _("Complete the second sign-in step first."),
                )
            if user.must_change_password and path != _PASSWORD_CHANGE:
                return _send_to(
                    request,
                    "accounts:password_change",
                    "password_change_required",
                    _("Change your temporary password first."),
                )
        return self.get_response(request)


def _send_to(request: HttpRequest, page: str, code: str, message: str) -> HttpResponse:
    """Pages are redirected to the step to take; the API answers 403 in its error envelope."""
    if request.path.startswith("/api/"):
        return JsonResponse({"error": {"code": code, "message": message}}, status=403)
    return redirect(page)


class AgencyTimeZoneMiddleware:
    """Show and read times in the user's agency's time zone: the region spans UTC+5:30 to
    UTC+12, and a UTC clock would refuse an interview held this morning as "in the future"."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = next((m.agency.time_zone for m in memberships(request.user)), None)
        if zone:
            timezone.activate(zoneinfo.ZoneInfo(zone))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from haven.accounts.roles import Capability
from haven.cases.access import can

# Where each person starts: their cases, or for those who hold no case, the page their work is
# on (the safeguarding lead's complaints, the statistician's figures, the administrator's staff).
_LANDING = (
    (Capability.REGISTER_CHILD, "cases:my_cases"),
    (Capability.SEE_AGENCY_CASES, "cases:my_cases"),
    (Capability.HANDLE_FEEDBACK, "voice:list"),
    (Capability.VIEW_STATISTICS, "reports:statistics"),
    (Capability.MANAGE_MEMBERS, "accounts:members"),
)


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_authenticated and getattr(user, "is_verified", lambda: False)():
        for capability, page in _LANDING:
            if can(user, capability):
                return redirect(page)
    return redirect("cases:my_cases")


def _error(request: HttpRequest, status: int, template: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        from haven.api.errors import error_response

        return error_response(status)
    return render(request, template, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, "errors/400.html")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403, "errors/403.html")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, "errors/404.html")


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, 500, "errors/500.html")

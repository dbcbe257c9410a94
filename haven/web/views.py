from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

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

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from haven.accounts.access import landing_page


def home(request: HttpRequest) -> HttpResponse:
    """Each person's start page (haven.accounts.access.landing_page); a visitor signs in first."""
    user = request.user
    if user.is_authenticated and getattr(user, "is_verified", lambda: False)():
        return redirect(landing_page(user))
    return redirect("cases:my_cases")

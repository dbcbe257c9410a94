"""A request type for views behind login_required (django-stubs' recommended pattern)."""

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from haven.accounts.models import User


class AuthedRequest(HttpRequest):
    user: "User"
    htmx: "HtmxDetails"

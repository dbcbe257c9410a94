from typing import Any

from django.conf import settings
from django.http import HttpRequest

from haven.accounts.roles import Capability
from haven.cases.access import can


def haven(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated and user.is_verified())
    return {
        "DEMO_MODE": settings.DEMO_MODE,
        "nav": {
            "signed_in": signed_in,
            "register": signed_in and can(user, Capability.REGISTER_CHILD),
            "members": signed_in and can(user, Capability.MANAGE_MEMBERS),
            "unread": _unread(user) if signed_in else 0,
        },
    }


def _unread(user: Any) -> int:
    """Critical alerts escalated to this person and not yet read (ND-2)."""
    from haven.safeguards.models import Notification

    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()

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
        },
    }

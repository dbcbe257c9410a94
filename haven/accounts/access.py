"""Who may act in an agency (DP-2): a person's active memberships and the agencies where their
role grants a capability. haven.cases.access builds need-to-know access to cases on these and
offers them again; the accounts pages, which sit below cases, use them from here."""

from typing import Any

from haven.accounts.models import Membership
from haven.accounts.roles import roles_with


def memberships(user: Any) -> list[Membership]:
    """The user's active memberships, loaded once per request object."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_haven_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user, is_active=True)
            .select_related("agency")
            .order_by("pk")
        )
        user._haven_memberships = cached
    return cached


def agencies_where(user: Any, capability: str) -> list[Any]:
    """Agencies in which the user's role grants `capability`."""
    allowed = roles_with(capability)
    return [m.agency for m in memberships(user) if m.role in allowed]

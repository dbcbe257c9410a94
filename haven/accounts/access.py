"""Who may act in an agency (DP-2): a person's active memberships and the agencies where their
role grants a capability. haven.cases.access builds need-to-know access to cases on these and
offers them again; the accounts pages, which sit below cases, use them from here."""

from typing import Any

from haven.accounts.models import Membership
from haven.accounts.roles import Capability, roles_with


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


# Where each person starts: their cases, or for those who hold no case, the page their work is
# on (the safeguarding lead's complaints, the statistician's figures, the system administrator's
# agencies, the agency administrator's staff).
_LANDING = (
    (Capability.REGISTER_CHILD, "cases:my_cases"),
    (Capability.SEE_AGENCY_CASES, "cases:my_cases"),
    (Capability.HANDLE_FEEDBACK, "voice:list"),
    (Capability.VIEW_STATISTICS, "reports:statistics"),
    (Capability.MANAGE_AGENCIES, "accounts:agencies"),
    (Capability.MANAGE_MEMBERS, "accounts:members"),
)


def landing_page(user: Any) -> str:
    """The URL name of the page the user starts on after signing in."""
    return next(
        (page for capability, page in _LANDING if agencies_where(user, capability)),
        "cases:my_cases",
    )

import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from haven.accounts.roles import Capability
from haven.cases.access import can
from haven.cases.due import due_now_count
from haven.cases.emergency_views import banner
from haven.cases.models import CaseAssignment
from haven.core.sessions import MENU_COUNT_KEY, MENU_COUNT_SECONDS
from haven.directory.selectors import waiting_count
from haven.safeguards.models import Notification


def haven(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated and user.is_verified())
    return {
        "DEMO_MODE": settings.DEMO_MODE,
        # Emergency access open in this browser (DP-4): shown on every page while it lasts.
        "emergency": banner(request) if signed_in else [],
        "nav": {
            "signed_in": signed_in,
            "register": signed_in and can(user, Capability.REGISTER_CHILD),
            "feedback": signed_in and can(user, Capability.HANDLE_FEEDBACK),
            "record_feedback": signed_in and can(user, Capability.RECORD_FEEDBACK),
            "kiosk": signed_in and can(user, Capability.OPEN_KIOSK),
            "members": signed_in and can(user, Capability.MANAGE_MEMBERS),
            "dashboard": signed_in and can(user, Capability.VIEW_DASHBOARD),
            "statistics": signed_in and can(user, Capability.VIEW_STATISTICS),
            "break_glass": signed_in and can(user, Capability.BREAK_GLASS),
            "emergency_reviews": signed_in and can(user, Capability.ASSIGN),
            "hand_over": signed_in and can(user, Capability.ASSIGN),
            "unread": _unread(user) if signed_in else 0,
            **(
                _menu(request)
                if signed_in
                else {"due": False, "due_now": 0, "referrals_waiting": 0}
            ),
        },
    }


def _menu(request: HttpRequest) -> dict[str, Any]:
    """Whether the person holds cases (the "What is due" link), how many of their own items are
    overdue or due today (CC-9), and how many referrals wait for an answer from their agencies
    (CC-15). For someone whose work is cases (who holds cases, or sees every case of an agency)
    they are kept in the session for a minute (core.sessions.MENU_COUNT_KEY): counting went
    over every source of dated obligations on every page, a quarter of a case worker's
    requests' time, and the three took three queries. Any write of their own drops them, so
    their own changes show at once; the "What is due" list and the referral inbox are always
    counted afresh. Nothing is kept for anyone else (their session is not written for it), and
    the count of unread critical alerts (ND-2) is never kept."""
    user: Any = request.user
    today, now = timezone.localdate().isoformat(), time.time()
    kept = request.session.get(MENU_COUNT_KEY)
    if not (kept and kept["day"] == today and now < kept["until"] and "referrals" in kept):
        kept = None
        assigned = CaseAssignment.objects.current().filter(user=user).exists()
        if assigned or can(user, Capability.SEE_AGENCY_CASES):
            kept = {
                "n": due_now_count(user) if assigned else 0,
                "referrals": waiting_count(user),
                "day": today,
                "until": now + MENU_COUNT_SECONDS,
            }
            request.session[MENU_COUNT_KEY] = kept
    return {
        "due": kept is not None,
        "due_now": int(kept["n"]) if kept else 0,
        "referrals_waiting": int(kept["referrals"]) if kept else waiting_count(user),
    }


def _unread(user: Any) -> int:
    """Critical alerts escalated to this person and not yet read (ND-2)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()

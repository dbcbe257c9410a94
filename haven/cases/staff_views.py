"""Pages for staff leaving or changing role, and the cases to hand over (haven.cases.staff)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from haven.accounts.models import Membership
from haven.accounts.roles import Capability
from haven.cases import staff
from haven.cases.access import agencies_where, can
from haven.core.http import AuthedRequest


def _managed(request: AuthedRequest, membership_id: str) -> Membership:
    agencies = agencies_where(request.user, Capability.MANAGE_MEMBERS)
    if not agencies:
        raise PermissionDenied
    return get_object_or_404(
        Membership.objects.select_related("user", "agency").filter(agency__in=agencies),
        public_id=membership_id,
    )


@login_required
def member_leave(request: AuthedRequest, membership_id: str) -> HttpResponse:
    """Confirm, then end a person's membership of the agency."""
    membership = _managed(request, membership_id)
    held = staff.held_count(membership)
    if request.method == "POST":
        try:
            staff.membership_end(actor=request.user, membership=membership)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(
                request,
                _(
                    "%(name)s no longer works for %(agency)s. Supervisors find the cases that "
                    "need a new case worker under “Cases to hand over”."
                )
                % {"name": membership.user.get_full_name(), "agency": membership.agency},
            )
        return redirect("accounts:members")
    return render(
        request,
        "cases/member_leave.html",
        {"membership": membership, "held": held},
    )


@require_POST
@login_required
def member_role(request: AuthedRequest, membership_id: str) -> HttpResponse:
    membership = _managed(request, membership_id)
    try:
        staff.membership_role_change(
            actor=request.user, membership=membership, role=request.POST.get("role", "")
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(
            request,
            _("%(name)s's role is changed. Their cases wait under “Cases to hand over”.")
            % {"name": membership.user.get_full_name()},
        )
    return redirect("accounts:members")


@login_required
def hand_over(request: AuthedRequest) -> HttpResponse:
    """Open cases of the supervisor's agencies that have no case worker now (CC-9)."""
    if not can(request.user, Capability.ASSIGN):
        raise PermissionDenied
    cases = list(staff.cases_to_hand_over(request.user)[:200])
    return render(request, "cases/hand_over.html", {"cases": cases})

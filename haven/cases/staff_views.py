"""Pages for staff leaving or changing role, the cases to hand over, and a case worker's request
to hand their case over (haven.cases.staff)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from haven.accounts.models import Membership
from haven.accounts.roles import Capability
from haven.audit.services import log_read
from haven.cases import staff
from haven.cases.access import access_case_as_case_worker, agencies_where, can, readable
from haven.cases.forms import HandoverRequestForm
from haven.core.forms import apply_service_error
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
    """What a supervisor hands over (CC-9): first the case workers' open requests to hand a
    case over, the longest waiting first; then the open cases of their agencies that have no
    case worker now."""
    if not can(request.user, Capability.ASSIGN):
        raise PermissionDenied
    asked = list(staff.handover_requests_to_answer(request.user)[:200])
    cases = list(staff.cases_to_hand_over(request.user)[:200])
    return render(request, "cases/hand_over.html", {"asked": asked, "cases": cases})


def _handover_page(
    request: AuthedRequest,
    case: Any,
    form: HandoverRequestForm,
    *,
    status: int = 200,
    refused: list[str] | None = None,
) -> HttpResponse:
    log_read(user=request.user, what="case.handover_request", case=case)
    return render(
        request,
        "cases/handover_request.html",
        {
            "case": case,
            "child": case.child,
            "can_read": {str(s) for s in readable(request.user, case)},
            "asked": staff.open_handover_request(case),
            "form": form,
            "refused": refused or [],
        },
        status=status,
    )


@login_required
def handover_request(request: AuthedRequest, public_id: str) -> HttpResponse:
    """The case worker asks for their case to be handed over (CC-9), or sees the request they
    made and may withdraw it. Only the case's case worker: others get 403 or, when they cannot
    see the case, 404."""
    case = access_case_as_case_worker(request.user, public_id)
    form = HandoverRequestForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            staff.handover_request(case=case, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Your request is sent to the supervisors. You keep the case until they "
                    "assign someone else."
                ),
            )
            return redirect("cases:handover_request", public_id=case.public_id)
    return _handover_page(request, case, form, status=400 if form.errors else 200)


@require_POST
@login_required
def handover_request_withdraw(request: AuthedRequest, public_id: str) -> HttpResponse:
    """The case worker takes back their open request: they keep the case (CC-9)."""
    case = access_case_as_case_worker(request.user, public_id)
    asked = staff.open_handover_request(case)
    try:
        if asked is None:
            raise ValidationError(_("There is no open request to withdraw."))
        staff.handover_request_withdraw(request=asked, actor=request.user)
    except ValidationError as exc:
        return _handover_page(
            request, case, HandoverRequestForm(), status=400, refused=exc.messages
        )
    messages.success(request, _("Your request is withdrawn: the case stays with you."))
    return redirect("cases:handover_request", public_id=case.public_id)

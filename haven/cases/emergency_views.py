"""Emergency access pages (DP-4): taking it, ending it, and the supervisors' review queue. The
rules are in haven.cases.emergency; who may read and act on the case in haven.cases.access."""

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from haven.accounts.roles import Capability
from haven.audit.services import log_read
from haven.cases import emergency
from haven.cases.access import can
from haven.cases.forms import EmergencyOpenForm, EmergencyReviewForm
from haven.cases.models import EmergencyAccess
from haven.core.forms import apply_service_error
from haven.core.http import AuthedRequest

# The banner of an open emergency access lives in the session of the browser that opened it:
# every page shows it without a query (haven.web.context_processors.emergency_banner).
SESSION_KEY = "haven_emergency"


def remember(request: HttpRequest, access: EmergencyAccess) -> None:
    held = dict(request.session.get(SESSION_KEY, {}))
    a = access.assignment
    assert a.expires_at is not None  # emergency access always expires
    held[str(a.case.public_id)] = [a.case.reference, a.expires_at.isoformat()]
    request.session[SESSION_KEY] = held


def forget(request: HttpRequest, access: EmergencyAccess) -> None:
    held = dict(request.session.get(SESSION_KEY, {}))
    if held.pop(str(access.assignment.case.public_id), None) is not None:
        request.session[SESSION_KEY] = held


def banner(request: HttpRequest) -> list[dict[str, object]]:
    """The emergency accesses this browser opened that are still running, for the banner."""
    now = timezone.now()
    shown = []
    for case_id, (reference, until) in request.session.get(SESSION_KEY, {}).items():
        ends = datetime.fromisoformat(until)
        if ends > now:
            shown.append(
                {
                    "case": case_id,
                    "reference": reference,
                    "until": time_format(timezone.localtime(ends), "H:i"),
                }
            )
    return shown


@login_required
def emergency_open(request: AuthedRequest) -> HttpResponse:
    if not can(request.user, Capability.BREAK_GLASS):
        raise PermissionDenied
    form = EmergencyOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            access = emergency.emergency_access_open(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            # The banner on every page says until when, and that it will be reviewed.
            remember(request, access)
            return redirect("cases:detail", public_id=access.assignment.case.public_id)
    own = list(emergency.own(request.user)[:20])
    return render(
        request,
        "cases/emergency.html",
        {"form": form, "own": own, "active": {a.pk for a in own if emergency.is_active(a)}},
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def emergency_end(request: AuthedRequest, access_id: str) -> HttpResponse:
    access = emergency.own_access(request.user, access_id)
    try:
        emergency.emergency_access_end(access=access, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Emergency access ended."))
    forget(request, access)
    return redirect("cases:emergency")


@login_required
def emergency_reviews(request: AuthedRequest) -> HttpResponse:
    if not can(request.user, Capability.ASSIGN):
        raise PermissionDenied
    return render(
        request,
        "cases/emergency_reviews.html",
        {
            "waiting": emergency.waiting_for_review(request.user)[:200],
            "reviewed": emergency.reviewed(request.user)[:50],
        },
    )


@login_required
def emergency_review(request: AuthedRequest, access_id: str) -> HttpResponse:
    access = emergency.access_for_review(request.user, access_id)
    log_read(user=request.user, what="emergency.review", case=access.assignment.case)
    form = EmergencyReviewForm(request.POST or None)
    if request.method == "POST" and access.reviewed_at is None and form.is_valid():
        try:
            emergency.emergency_access_review(
                access=access,
                actor=request.user,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["review_note"],
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Review recorded."))
            return redirect("cases:emergency_reviews")
    return render(
        request,
        "cases/emergency_review.html",
        {"access": access, "form": form, "active": emergency.is_active(access)},
        status=400 if form.errors else 200,
    )

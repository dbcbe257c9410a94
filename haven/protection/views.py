"""Protection and support pages: the case's protection page, best-interests decisions,
guardianship, needs and strengths, services. Cases are loaded only through haven.cases.access;
every write calls a service."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from haven.accounts.models import Agency
from haven.accounts.roles import Capability, Role
from haven.audit.services import log_read
from haven.cases.access import access_case_by_id, access_case_for, can, readable, record_for
from haven.children.models import DEPRIVED_OF_PARENTAL_CARE
from haven.consent.selectors import consents, information_sessions
from haven.core.forms import form_status, run_service
from haven.core.http import AuthedRequest
from haven.core.sensitivity import Sensitivity
from haven.decisions import selectors as decision_selectors
from haven.decisions import services as decision_services
from haven.protection import selectors, services
from haven.protection.forms import (
    DecisionForm,
    GuardianAppointForm,
    GuardianEndForm,
    GuardianForm,
    NeedsForm,
    ServiceForm,
    ServiceUpdateForm,
)
from haven.protection.models import GuardianshipEndReason
from haven.safeguards.selectors import alerts_for_case

# The measures this page serves; its alerts are shown at the top.
_MEASURES = ("CC-1", "CC-2", "CC-3", "CC-5", "CC-11", "PS-1", "PS-2", "PS-4", "PS-5", "PS-7")


def _back(case_id: object, anchor: str) -> HttpResponse:
    return redirect(reverse("protection:overview", args=[case_id]) + f"#{anchor}")


@login_required
def overview(request: AuthedRequest, public_id: str) -> HttpResponse:
    case = access_case_by_id(request.user, public_id)
    classes = readable(request.user, case)
    user = request.user
    may = {
        "consent": can(user, Capability.RECORD_CONSENT, case),
        "inform": can(user, Capability.INFORM_CHILD, case),
        "decide": can(user, Capability.DECIDE_BEST_INTERESTS, case),
        "appoint": can(user, Capability.APPOINT_GUARDIAN, case),
        "assess": can(user, Capability.ASSESS_NEEDS, case),
        "service": can(user, Capability.RECORD_SERVICE, case),
        "resolve": can(user, Capability.RESOLVE_ALERT, case),
    }
    bids = list(decision_selectors.determinations(case)) if may["decide"] else []
    log_read(user=user, what="protection.view", case=case)
    context: dict[str, Any] = {
        "case": case,
        "child": case.child,
        "can_read": {str(c) for c in classes},
        "may": may,
        "alerts": [a for a in alerts_for_case(case, classes) if a.measure_id in _MEASURES],
        "consents": list(consents(case).prefetch_related("recipient_agencies")),
        "sessions": list(information_sessions(case)),
        "decisions": list(decision_selectors.decisions(case).prefetch_related("participants")),
        "bids": bids,
        "appointments": (
            list(selectors.guardian_appointments(case)) if Sensitivity.FAMILY in classes else []
        ),
        "assessments": (
            list(selectors.needs_assessments(case)) if Sensitivity.NARRATIVE in classes else []
        ),
        "services": list(selectors.services(case, classes)),
        "today": timezone.localdate(),
    }
    context["current_guardian"] = next(
        (a for a in context["appointments"] if a.ended_on is None), None
    )
    context["past_guardians"] = [a for a in context["appointments"] if a.ended_on]
    context["deprived_of_care"] = case.child.parental_care in DEPRIVED_OF_PARENTAL_CARE
    context["consent_age"] = settings.HAVEN_CHILD_CONSENT_AGE
    context["guardianship_end_reasons"] = GuardianshipEndReason.choices
    return render(request, "protection/overview.html", context)


@login_required
def decision_new(request: AuthedRequest, public_id: str) -> HttpResponse:
    case = access_case_for(request.user, public_id, Capability.DECIDE_BEST_INTERESTS)
    form = DecisionForm(request.POST or None, initial=_decision_initial(request))
    if request.method == "POST":
        decision = run_service(
            form,
            lambda: decision_services.decision_record(
                case=case, actor=request.user, **form.service_kwargs()
            ),
        )
        if decision is not None:
            messages.success(request, _("The decision is recorded."))
            return redirect(
                "protection:decision", public_id=case.public_id, decision_id=decision.public_id
            )
    log_read(user=request.user, what="decision.form", case=case)
    return render(
        request,
        "protection/decision_new.html",
        {"case": case, "form": form},
        status=400 if form.errors else 200,
    )


def _decision_initial(request: AuthedRequest) -> dict[str, Any]:
    wanted = request.GET.get("subject", "")
    return {"subject": wanted, "kind": "bid" if wanted else "bia"}


@login_required
def decision_detail(request: AuthedRequest, public_id: str, decision_id: str) -> HttpResponse:
    case = access_case_by_id(request.user, public_id)
    if Sensitivity.NARRATIVE not in readable(request.user, case):
        raise PermissionDenied
    decisions = decision_selectors.decisions(case).prefetch_related("participants")
    decision = record_for(request.user, case, decisions, decision_id)
    log_read(user=request.user, what="decision.view", case=case)
    return render(
        request,
        "protection/decision_detail.html",
        {
            "case": case,
            "decision": decision,
            "can_read": {str(c) for c in readable(request.user, case)},
        },
    )


@login_required
def guardian_appoint(request: AuthedRequest, public_id: str) -> HttpResponse:
    case = access_case_for(request.user, public_id, Capability.APPOINT_GUARDIAN)
    guardians = selectors.guardians_with_caseload(case.lead_agency_id).filter(is_active=True)
    form = GuardianAppointForm(request.POST or None, guardians=guardians)
    if request.method == "POST":
        appointment = run_service(
            form,
            lambda: services.guardian_appoint(case=case, actor=request.user, **form.cleaned_data),
        )
        if appointment is not None:
            messages.success(
                request,
                _("%(name)s is recorded as the child's guardian.") % {"name": appointment.guardian},
            )
            return _back(case.public_id, "guardian")
    log_read(user=request.user, what="guardian.form", case=case)
    return render(
        request,
        "protection/guardian_appoint.html",
        {
            "case": case,
            "form": form,
            "deprived": case.child.parental_care,
            "may_override": can(request.user, Capability.OVERRIDE_CASELOAD, case),
        },
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def guardian_end(request: AuthedRequest, public_id: str, appointment_id: str) -> HttpResponse:
    case = access_case_for(request.user, public_id, Capability.APPOINT_GUARDIAN)
    appointments = selectors.guardian_appointments(case)
    appointment = record_for(request.user, case, appointments, appointment_id)
    form = GuardianEndForm(request.POST)
    done = run_service(
        form,
        lambda: services.guardian_appointment_end(
            appointment=appointment, actor=request.user, **form.cleaned_data
        ),
    )
    if done is None:
        errors = [str(e) for errs in form.errors.values() for e in errs]
        messages.error(request, " ".join(errors))
    else:
        messages.success(request, _("The guardianship is recorded as ended."))
    return _back(case.public_id, "guardian")


@login_required
def guardians(request: AuthedRequest) -> HttpResponse:
    """The agency's guardians and their caseloads (PS-2), for the staff who appoint them."""
    agency_ids = [
        m.agency_id
        for m in request.user.memberships.all()
        if m.is_active
        and m.role in (Role.CASE_WORKER, Role.SUPERVISOR, Role.CHILD_PROTECTION_OFFICER)
    ]
    if not agency_ids:
        raise PermissionDenied
    agency = Agency.objects.get(pk=agency_ids[0])
    form = GuardianForm(request.POST or None)
    if request.method == "POST":
        guardian = run_service(
            form,
            lambda: services.guardian_create(
                agency=agency, actor=request.user, **form.cleaned_data
            ),
        )
        if guardian is not None:
            messages.success(request, _("%(name)s is added.") % {"name": guardian})
            return redirect("protection:guardians")
    return render(
        request,
        "protection/guardians.html",
        {"agency": agency, "guardians": selectors.guardians_with_caseload(agency.pk), "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def needs_new(request: AuthedRequest, public_id: str) -> HttpResponse:
    case = access_case_for(request.user, public_id, Capability.ASSESS_NEEDS)
    form = NeedsForm(request.POST or None)
    if request.method == "POST":
        assessment = run_service(
            form,
            lambda: services.needs_assessment_record(
                case=case, actor=request.user, **form.service_kwargs()
            ),
        )
        if assessment is not None:
            messages.success(request, _("The needs assessment is recorded."))
            return _back(case.public_id, "needs")
    log_read(user=request.user, what="needs.form", case=case)
    return render(
        request,
        "protection/needs_new.html",
        {"case": case, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def service_new(request: AuthedRequest, public_id: str) -> HttpResponse:
    case = access_case_for(request.user, public_id, Capability.RECORD_SERVICE)
    form = ServiceForm(request.POST or None)
    if request.method == "POST":
        service = run_service(
            form,
            lambda: services.service_record(case=case, actor=request.user, **form.cleaned_data),
        )
        if service is not None:
            messages.success(request, _("The service is recorded."))
            return _back(case.public_id, "services")
    log_read(user=request.user, what="service.form", case=case)
    return render(
        request,
        "protection/service_new.html",
        {"case": case, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def service_update(request: AuthedRequest, public_id: str, service_id: str) -> HttpResponse:
    case = access_case_for(request.user, public_id, Capability.RECORD_SERVICE)
    service = (
        selectors.services(case, readable(request.user, case)).filter(public_id=service_id).first()
    )
    if service is None:
        raise Http404
    form = ServiceUpdateForm(
        request.POST or None,
        decisions=decision_selectors.determinations(case),
        initial={
            "status": service.status,
            "end_on": service.end_on,
            "not_delivered_reason": service.not_delivered_reason,
            "reason_detail": service.reason_detail,
            "decision": service.decision.public_id if service.decision else None,
            "version": service.version,
        },
    )
    if request.method == "POST":
        updated = run_service(
            form,
            lambda: services.service_update(
                service=service, actor=request.user, **form.edit_kwargs()
            ),
        )
        if updated is not None:
            messages.success(request, _("The service is updated."))
            return _back(case.public_id, "services")
    log_read(user=request.user, what="service.view", case=case)
    return render(
        request,
        "protection/service_update.html",
        {"case": case, "service": service, "form": form},
        status=form_status(form),
    )

"""The Recovery pages of a case (RR-1 … RR-5, RR-8): the family, the pathway and how long the
child has waited, the safety plan, the plans with their services, reviews and visits, and the
move to independent life. Only a reader who may read family matters on the case reaches them
(404 otherwise, as for any record they may not read, DP-1); each form needs PLAN_REINTEGRATION.
Cases come from haven.cases.access, records from the reintegration selectors; every write calls
a service, whose refusal is shown on the form with its measure ID (status 400)."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.roles import Capability
from haven.audit.services import log_read
from haven.cases.access import access_case_reading, can, readable
from haven.cases.models import Case
from haven.core.forms import form_status, run_service
from haven.core.http import AuthedRequest
from haven.core.sensitivity import Sensitivity
from haven.reintegration import selectors, services
from haven.reintegration.forms import (
    AssessmentForm,
    CarriedOutForm,
    ContactAttemptForm,
    FamilyMemberForm,
    PathwayForm,
    PlanForm,
    PlanServiceForm,
    RetraffickingForm,
    ReviewForm,
    SafetyPlanForm,
    VisitForm,
)
from haven.reintegration.models import PlanKind, ReintegrationPlan
from haven.safeguards.selectors import alerts_for_case

_MEASURES = ("RR-1", "RR-2", "RR-3", "RR-4", "RR-5", "RR-6", "RR-8")


def _case_for(request: AuthedRequest, public_id: str, *capabilities: str) -> Case:
    """The case, for a reader of its family matters (404 alike when the case is not theirs or
    they may not read them), who may take every one of `capabilities` on it (403 otherwise)."""
    return access_case_reading(request.user, public_id, Sensitivity.FAMILY, *capabilities)


def _page_url(case: Case, anchor: str = "") -> str:
    url = reverse("reintegration:recovery", args=[case.public_id])
    return f"{url}#{anchor}" if anchor else url


@login_required
def recovery(request: AuthedRequest, public_id: str) -> HttpResponse:
    case = _case_for(request, public_id)
    user = request.user
    pathways = list(selectors.pathways(case))
    plans = list(selectors.plans(case))
    current_plans: dict[str, ReintegrationPlan] = {}
    for plan in plans:  # newest first: the first of each kind is the one in use
        current_plans.setdefault(plan.kind, plan)
    log_read(user=user, what="reintegration.view", case=case)
    return render(
        request,
        "reintegration/recovery.html",
        {
            "case": case,
            "can_read": {str(c) for c in readable(user, case)},
            "may": {
                "plan": can(user, Capability.PLAN_REINTEGRATION, case),
                "resolve": can(user, Capability.RESOLVE_ALERT, case),
            },
            "alerts": [
                a for a in alerts_for_case(case, readable(user, case)) if a.measure_id in _MEASURES
            ],
            "members": list(selectors.family_members(case)),
            "assessments": list(selectors.assessments(case)),
            "pathway": pathways[0] if pathways else None,
            "earlier_pathways": pathways[1:],
            "safety_plan": next(iter(selectors.safety_plans(case)), None),
            "plans": [
                selectors.plan_view(current_plans[k]) for k in PlanKind.values if k in current_plans
            ],
            "earlier_plans": [p for p in plans if p not in current_plans.values()],
            "timeline": selectors.timeline(case, pathways[0] if pathways else None),
            "retrafficking": list(selectors.retrafficking(case)),
            "attempts": list(selectors.contact_attempts(case)),
            "carried_out_form": CarriedOutForm(auto_id="co-%s"),
            "today": timezone.localdate(),
        },
    )


def _form_page(
    request: AuthedRequest,
    case: Case,
    form: forms.Form,
    call: Callable[[], Any],
    *,
    title: str,
    done: str,
    anchor: str,
    intro: str = "",
) -> HttpResponse:
    """A form of the Recovery pages: saved, the Recovery page again at the record's place;
    refused, the form again with what was typed and why, nothing saved: status 400, or 409 when
    someone else changed the record since it was opened."""
    if request.method == "POST":
        saved = run_service(form, call)
        if saved is not None:
            messages.success(request, done)
            return redirect(_page_url(case, anchor))
    log_read(user=request.user, what="reintegration.form", case=case)
    return render(
        request,
        "reintegration/form.html",
        {
            "case": case,
            "form": form,
            "title": title,
            "intro": intro,
            "back": _page_url(case, anchor),
            "can_read": {str(c) for c in readable(request.user, case)},
        },
        status=form_status(form),
    )


def _writer(request: AuthedRequest, public_id: str) -> Case:
    return _case_for(request, public_id, Capability.PLAN_REINTEGRATION)


# --- family (RR-3) --------------------------------------------------------------------------------


@login_required
def member_new(request: AuthedRequest, public_id: str) -> HttpResponse:
    case = _writer(request, public_id)
    form = FamilyMemberForm(request.POST or None)
    return _form_page(
        request,
        case,
        form,
        lambda: services.family_member_record(
            case=case,
            actor=request.user,
            **{k: v for k, v in form.cleaned_data.items() if k != "version"},
        ),
        title=_("Add a family member"),
        done=_("The family member is recorded."),
        anchor="family",
    )


@login_required
def member_edit(request: AuthedRequest, public_id: str, member_id: str) -> HttpResponse:
    case = _writer(request, public_id)
    member = selectors.member_for(request.user, case, member_id)
    fields = ("name", "relationship", "contact", "implicated", "safe_contact", "notes")
    form = FamilyMemberForm(
        request.POST or None,
        initial={**{f: getattr(member, f) for f in fields}, "version": member.version},
    )
    return _form_page(
        request,
        case,
        form,
        lambda: services.family_member_update(
            case=case, actor=request.user, member=member, **form.edit_kwargs()
        ),
        title=_("Change what is known of a family member"),
        done=_("The family member is updated."),
        anchor="family",
    )


@login_required
def assessment_new(request: AuthedRequest, public_id: str) -> HttpResponse:
    case = _writer(request, public_id)
    form = AssessmentForm(request.POST or None)
    return _form_page(
        request,
        case,
        form,
        lambda: services.family_assessment_record(
            case=case, actor=request.user, **form.cleaned_data
        ),
        title=_("Assess the family"),
        done=_("The family assessment is recorded."),
        anchor="family",
    )


# --- the pathway (RR-1, RR-2) ---------------------------------------------------------------------


@login_required
def pathway_new(request: AuthedRequest, public_id: str) -> HttpResponse:
    case = _writer(request, public_id)
    form = PathwayForm(request.POST or None, decisions=selectors.pathway_determinations(case))
    return _form_page(
        request,
        case,
        form,
        lambda: services.pathway_decide(case=case, actor=request.user, **form.cleaned_data),
        title=_("Decide the pathway"),
        done=_("The pathway is recorded."),
        anchor="pathway",
        intro=_(
            "The child's needs, wishes and risks decide the pathway, through a best-interests "
            "determination that heard the child (RR-1, CC-1, CC-2). Record the determination "
            "first (Protection → Best-interests decisions)."
        ),
    )


@login_required
def pathway_carried_out(request: AuthedRequest, public_id: str, pathway_id: str) -> HttpResponse:
    case = _writer(request, public_id)
    pathway = selectors.pathway_for(request.user, case, pathway_id)
    form = CarriedOutForm(request.POST or None)
    return _form_page(
        request,
        case,
        form,
        lambda: services.pathway_carried_out(
            case=case, actor=request.user, pathway=pathway, **form.cleaned_data
        ),
        title=_("The pathway is carried out"),
        done=_("The pathway is recorded as carried out."),
        anchor="pathway",
    )


# --- the safety plan (RR-4) -----------------------------------------------------------------------


@login_required
def safety_plan_new(request: AuthedRequest, public_id: str) -> HttpResponse:
    case = _writer(request, public_id)
    latest = selectors.safety_plans(case).first()
    initial = {}
    if latest is not None:  # a review starts from the plan that stands
        initial = {f: getattr(latest, f) for f in ("sources", "risks", "measures", "child_words")}
    form = SafetyPlanForm(request.POST or None, initial=initial)
    return _form_page(
        request,
        case,
        form,
        lambda: services.safety_plan_record(case=case, actor=request.user, **form.cleaned_data),
        title=_("Review the safety plan") if latest else _("Write the safety plan with the child"),
        done=_("The safety plan is recorded."),
        anchor="safety",
    )


# --- the plans: services, reviews, visits (RR-5, RR-8) --------------------------------------------


@login_required
def plan_new(request: AuthedRequest, public_id: str) -> HttpResponse:
    case = _writer(request, public_id)
    initial = {"kind": request.GET.get("kind", PlanKind.REINTEGRATION)}
    form = PlanForm(request.POST or None, initial=initial)
    return _form_page(
        request,
        case,
        form,
        lambda: services.plan_record(case=case, actor=request.user, **form.cleaned_data),
        title=_("Agree a plan with the child"),
        done=_("The plan is recorded."),
        anchor="plans",
    )


def _plan_form(
    request: AuthedRequest,
    public_id: str,
    plan_id: str,
    make: Callable[[Case], forms.Form],
    service: Callable[..., Any],
    *,
    title: str,
    done: str,
) -> HttpResponse:
    case = _writer(request, public_id)
    plan = selectors.plan_for(request.user, case, plan_id)
    form = make(case)
    return _form_page(
        request,
        case,
        form,
        lambda: service(case=case, actor=request.user, plan=plan, **form.cleaned_data),
        title=title,
        done=done,
        anchor=f"plan-{plan.public_id}",
    )


@login_required
def plan_service_new(request: AuthedRequest, public_id: str, plan_id: str) -> HttpResponse:
    return _plan_form(
        request,
        public_id,
        plan_id,
        lambda case: PlanServiceForm(
            request.POST or None, members=list(selectors.family_members(case))
        ),
        services.plan_service_add,
        title=_("Add a service to the plan"),
        done=_("The service is added to the plan."),
    )


@login_required
def plan_review_new(request: AuthedRequest, public_id: str, plan_id: str) -> HttpResponse:
    return _plan_form(
        request,
        public_id,
        plan_id,
        lambda _case: ReviewForm(request.POST or None),
        services.plan_review_record,
        title=_("Review the plan"),
        done=_("The review is recorded."),
    )


@login_required
def visit_new(request: AuthedRequest, public_id: str, plan_id: str) -> HttpResponse:
    return _plan_form(
        request,
        public_id,
        plan_id,
        lambda _case: VisitForm(request.POST or None),
        services.visit_record,
        title=_("Record a follow-up visit"),
        done=_("The follow-up visit is recorded."),
    )


# --- back in exploitation (RR-6) ------------------------------------------------------------------


@login_required
def retrafficking_new(request: AuthedRequest, public_id: str) -> HttpResponse:
    case = _writer(request, public_id)
    form = RetraffickingForm(request.POST or None)
    closed = case.stage == Case.Stage.CLOSED
    return _form_page(
        request,
        case,
        form,
        lambda: services.retrafficking_record(case=case, actor=request.user, **form.cleaned_data),
        title=_("Record a return to exploitation"),
        done=_("Recorded. The case is open again: protection starts again with its first steps.")
        if closed
        else _("Recorded."),
        anchor="retrafficking",
        intro=_(
            "The child comes back to this case, with everything known before: do not register "
            "them again. The case is closed and will open again at protection."
        )
        if closed
        else _(
            "The child comes back to this case, with everything known before: do not register "
            "them again."
        ),
    )


# --- losing touch with the child (RR-6) -----------------------------------------------------------


@login_required
def attempt_new(request: AuthedRequest, public_id: str) -> HttpResponse:
    case = _writer(request, public_id)
    form = ContactAttemptForm(request.POST or None)
    return _form_page(
        request,
        case,
        form,
        lambda: services.contact_attempt_record(case=case, actor=request.user, **form.cleaned_data),
        title=_("Record an attempt to reach the child"),
        done=_("The attempt is recorded."),
        anchor="contact",
        intro=_(
            "Each visit, call or question to the family, school or another agency when you "
            "cannot reach the child. A case closes as contact lost only after three attempts "
            "on different days, in more than one way."
        ),
    )

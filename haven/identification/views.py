"""Identification pages: screening, the first-steps checklist, victim status, and "is this child
already known?". Cases are loaded only through haven.cases.access."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from haven.accounts.roles import Capability
from haven.audit.services import log_read
from haven.cases import selectors as case_selectors
from haven.cases.access import access_case_by_id, access_case_for, can, readable, record_for
from haven.cases.languages import for_interview, previous_interpreter
from haven.core.errors import SafeguardViolation
from haven.core.forms import apply_service_error
from haven.core.http import AuthedRequest
from haven.core.sensitivity import Sensitivity
from haven.core.sessions import reads_only
from haven.identification import search, services
from haven.identification.forms import (
    FindChildForm,
    ScreeningForm,
    StatusForm,
    StepDoneForm,
    StepNotNeededForm,
)
from haven.identification.indicators import ilo_guidance
from haven.identification.models import FirstStep
from haven.identification.selectors import screenings, steps


@login_required
def screening_new(request: AuthedRequest, public_id: str) -> HttpResponse:
    case = access_case_for(request.user, public_id, Capability.SCREEN)
    form = ScreeningForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            screening = services.screening_record(
                case=case, actor=request.user, **form.service_kwargs()
            )
        except (ValidationError, SafeguardViolation) as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request,
                _("The screening is recorded: %(outcome)s.")
                % {"outcome": screening.get_outcome_display()},
            )
            if Sensitivity.NARRATIVE not in readable(request.user, case):
                # Police and immigration screen but do not read the account: the case page
                # shows them the outcome and the first steps.
                return redirect("cases:detail", public_id=case.public_id)
            return redirect(
                "identification:screening",
                public_id=case.public_id,
                screening_id=screening.public_id,
            )
    log_read(user=request.user, what="screening.form", case=case)
    return render(
        request,
        "identification/screening_new.html",
        {
            "case": case,
            "form": form,
            "presumption": case.child.presumption,
            "retellings": case_selectors.retelling_count(case),
            "told_to": case_selectors.retelling_summary(case),
            # CC-10: the interpreter, asked again at every interview.
            "languages": for_interview(case, request.user),
            "last_interpreter": previous_interpreter(case),
            "can_read": {str(s) for s in readable(request.user, case)},
        },
        status=400 if form.errors else 200,
    )


@login_required
def screening_detail(request: AuthedRequest, public_id: str, screening_id: str) -> HttpResponse:
    case = access_case_by_id(request.user, public_id)
    if Sensitivity.NARRATIVE not in readable(request.user, case):
        # The page shows the screening's answers, which only narrative readers may read (DP-1,
        # as in the API); the outcome alone is on the case page.
        raise PermissionDenied
    screening = record_for(request.user, case, screenings(case), screening_id)
    log_read(user=request.user, what="screening.view", case=case)
    return render(
        request,
        "identification/screening_detail.html",
        {
            "case": case,
            "screening": screening,
            "guidance": ilo_guidance(screening.indicators.all()),
            "can_read": {str(s) for s in readable(request.user, case)},
        },
    )


def _step_for(request: AuthedRequest, public_id: str, step_id: str) -> FirstStep:
    case = access_case_for(request.user, public_id, Capability.SCREEN)
    return record_for(request.user, case, steps(case), step_id)


@require_POST
@login_required
def step_done(request: AuthedRequest, public_id: str, step_id: str) -> HttpResponse:
    step = _step_for(request, public_id, step_id)
    form = StepDoneForm(request.POST)
    if form.is_valid():
        try:
            services.first_step_done(step=step, actor=request.user, note=form.cleaned_data["note"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("Recorded as done: %(step)s.") % {"step": step.get_kind_display()}
            )
    return redirect("cases:detail", public_id=public_id)


@require_POST
@login_required
def step_not_needed(request: AuthedRequest, public_id: str, step_id: str) -> HttpResponse:
    step = _step_for(request, public_id, step_id)
    form = StepNotNeededForm(request.POST)
    if form.is_valid():
        try:
            services.first_step_not_needed(step=step, actor=request.user, **form.cleaned_data)
        except SafeguardViolation as exc:
            messages.error(request, f"{exc.measure_id}: {exc.message}")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Closed with your reason: %(step)s.") % {"step": step.get_kind_display()},
            )
    else:
        messages.error(request, _("Write why this step does not apply."))
    return redirect("cases:detail", public_id=public_id)


@require_POST
@login_required
def status_decide(request: AuthedRequest, public_id: str) -> HttpResponse:
    case = access_case_for(request.user, public_id, Capability.DECIDE_STATUS)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.trafficking_status_decide(case=case, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The decision is recorded."))
    else:
        messages.error(request, _("Choose the status and who decided."))
    return redirect("cases:detail", public_id=public_id)


@reads_only
@login_required
def find_child(request: AuthedRequest) -> HttpResponse:
    """Search before registering (ID-7: the child may already be known). Sent by POST so the
    name never sits in a URL (DP-13)."""
    if not can(request.user, Capability.REGISTER_CHILD):
        raise PermissionDenied
    form = FindChildForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = search.find_children(request.user, **form.cleaned_data)
        log_read(user=request.user, what="child.search")
    return render(
        request,
        "identification/find_child.html",
        {"form": form, "result": result},
        status=400 if form.errors else 200,
    )

"""Case pages. Cases are loaded only through haven.cases.access; every write calls a service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from haven.accounts.roles import Capability
from haven.audit.services import log_read
from haven.cases import selectors, services
from haven.cases.access import (
    access_case_by_id,
    access_case_for,
    agencies_where,
    can,
    readable,
    record_for,
)
from haven.cases.forms import (
    AssignForm,
    CaseFilterForm,
    CaseRegisterForm,
    InterviewForm,
    NoteForm,
    StageForm,
)
from haven.cases.languages import assignment_gap, for_interview, previous_interpreter
from haven.cases.models import AssignmentRole, Case
from haven.cases.page import parts
from haven.cases.retention import case_erasures
from haven.core.errors import SafeguardViolation
from haven.core.forms import apply_service_error
from haven.core.http import AuthedRequest
from haven.safeguards.selectors import alerts_for_case


@login_required
def my_cases(request: AuthedRequest) -> HttpResponse:
    # Filters arrive by POST so that a child's name never sits in a URL or history (DP-13).
    # Supervisors start with their whole agency; everyone else with the cases assigned to them.
    can_see_all = can(request.user, Capability.SEE_AGENCY_CASES)
    default_scope = "all" if can_see_all else "mine"
    form = CaseFilterForm(request.POST or None, initial={"scope": default_scope})
    filters = form.cleaned_data if form.is_valid() else {}
    cases = selectors.case_list(
        request.user,
        scope=filters.get("scope") or default_scope,
        stage=filters.get("stage") or "",
        query=filters.get("q") or "",
        with_alerts=bool(filters.get("alerts")),
    )[:200]
    log_read(user=request.user, what="case.list")
    context = {"form": form, "cases": cases, "can_see_all": can_see_all}
    if request.htmx:
        return render(request, "cases/my_cases.html#results", context)
    return render(request, "cases/my_cases.html", context)


@login_required
def case_register(request: AuthedRequest) -> HttpResponse:
    agencies = agencies_where(request.user, Capability.REGISTER_CHILD)
    if not agencies:
        raise PermissionDenied
    form = CaseRegisterForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_register(
                actor=request.user,
                agency=form.cleaned_data["agency"],
                child=form.child_fields(),
                nationalities=form.nationality_list(),
                languages=form.language_list(),
                aliases=form.alias_list(),
                summary=form.cleaned_data["summary"],
            )
        except (ValidationError, SafeguardViolation) as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request,
                _("The child is registered and the case %(ref)s is open.")
                % {"ref": case.reference},
            )
            return redirect("cases:detail", public_id=case.public_id)
    return render(
        request, "cases/register.html", {"form": form}, status=400 if form.errors else 200
    )


def _case_context(request: AuthedRequest, case: Case, **extra: object) -> dict[str, object]:
    user = request.user
    classes = readable(user, case)
    return {
        "case": case,
        "child": case.child,
        "presumption": case.child.presumption,
        "can_read": {str(s) for s in classes},
        "alerts": alerts_for_case(case, classes),
        "retellings": selectors.retelling_count(case),
        "assignments": selectors.current_assignments(case),
        "case_workers": selectors.case_worker_history(case),
        "interviews": [i for i in case.interviews.all()[:50] if i.readable_with(classes)],
        "notes": case.notes.select_related("created_by")[:50],
        "timeline": selectors.timeline(case, classes),
        "erasures": case_erasures(case),
        "stage_form": StageForm(case=case) if can(user, Capability.CHANGE_STAGE, case) else None,
        "assign_form": AssignForm() if can(user, Capability.ASSIGN, case) else None,
        "note_form": NoteForm() if can(user, Capability.WRITE_NOTE, case) else None,
        "may": {
            "edit": can(user, Capability.EDIT_CASE, case),
            "interview": can(user, Capability.RECORD_INTERVIEW, case),
            "resolve": can(user, Capability.RESOLVE_ALERT, case),
            "screen": can(user, Capability.SCREEN, case),
            "refer": can(user, Capability.REFER, case),
        },
        **parts(request, case, classes),
        **extra,
    }


@login_required
def case_detail(request: AuthedRequest, public_id: str) -> HttpResponse:
    case = access_case_by_id(request.user, public_id)
    log_read(user=request.user, what="case.view", case=case)
    return render(request, "cases/detail.html", _case_context(request, case))


@require_POST
@login_required
def case_stage(request: AuthedRequest, public_id: str) -> HttpResponse:
    case = access_case_for(request.user, public_id, Capability.CHANGE_STAGE)
    form = StageForm(request.POST, case=case)
    if form.is_valid():
        try:
            services.case_change_stage(case=case, actor=request.user, **form.cleaned_data)
        except (ValidationError, SafeguardViolation) as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request,
                _("The case is now in “%(stage)s”.")
                % {"stage": Case.Stage(form.cleaned_data["to_stage"]).label},
            )
            return redirect("cases:detail", public_id=case.public_id)
    return render(
        request, "cases/detail.html", _case_context(request, case, stage_form=form), status=400
    )


@require_POST
@login_required
def case_assign(request: AuthedRequest, public_id: str) -> HttpResponse:
    case = access_case_for(request.user, public_id, Capability.ASSIGN)
    form = AssignForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        confirmed = data.pop("language_confirmed")
        # CC-10: before someone who does not speak the child's language takes the case, the
        # page says so and asks to confirm. A prompt, not a block: urgent protection waits
        # for no interpreter.
        gap = None if confirmed else assignment_gap(case, data["user"], data["role"])
        if gap is not None:
            log_read(user=request.user, what="case.assign_confirm", case=case)
            return render(
                request,
                "cases/assign_confirm.html",
                {
                    "case": case,
                    "form": AssignForm.to_confirm(data),
                    "person": data["user"],
                    "part": AssignmentRole(data["role"]).label,
                    "languages": gap,
                    "can_read": {str(s) for s in readable(request.user, case)},
                },
            )
        try:
            services.case_assign(case=case, actor=request.user, **data)
        except (ValidationError, SafeguardViolation) as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request, _("%(name)s is assigned.") % {"name": form.cleaned_data["user"]}
            )
            return redirect("cases:detail", public_id=case.public_id)
    return render(
        request, "cases/detail.html", _case_context(request, case, assign_form=form), status=400
    )


@require_POST
@login_required
def assignment_end(request: AuthedRequest, public_id: str, assignment_id: str) -> HttpResponse:
    case = access_case_for(request.user, public_id, Capability.ASSIGN)
    assignment = record_for(request.user, case, selectors.current_assignments(case), assignment_id)
    services.assignment_end(assignment=assignment, actor=request.user)
    messages.success(
        request,
        _("%(name)s is no longer assigned as %(part)s.")
        % {"name": assignment.user, "part": assignment.get_role_display().lower()},
    )
    return redirect("cases:detail", public_id=case.public_id)


@require_POST
@login_required
def note_add(request: AuthedRequest, public_id: str) -> HttpResponse:
    case = access_case_for(request.user, public_id, Capability.WRITE_NOTE)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.case_note_add(case=case, actor=request.user, body=form.cleaned_data["body"])
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            form = NoteForm()
    context = _case_context(request, case, note_form=form)
    status = 400 if form.errors else 200
    if request.htmx:
        return render(request, "cases/detail.html#notes", context, status=status)
    if status == 200:
        return redirect("cases:detail", public_id=case.public_id)
    return render(request, "cases/detail.html", context, status=status)


@login_required
def interview_new(request: AuthedRequest, public_id: str) -> HttpResponse:
    case = access_case_for(request.user, public_id, Capability.RECORD_INTERVIEW)
    form = InterviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.interview_record(case=case, actor=request.user, **form.cleaned_data)
        except (ValidationError, SafeguardViolation) as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("The interview is recorded."))
            return redirect("cases:detail", public_id=case.public_id)
    log_read(user=request.user, what="case.interviews", case=case)
    return render(
        request,
        "cases/interview_new.html",
        {
            "case": case,
            "form": form,
            "retellings": selectors.retelling_count(case),
            "told_to": selectors.retelling_summary(case),
            # CC-10: whether the person recording speaks the child's language, and who
            # interpreted last, so the same interpreter can be asked for again.
            "languages": for_interview(case, request.user),
            "last_interpreter": previous_interpreter(case),
            "can_read": {str(s) for s in readable(request.user, case)},
        },
        status=400 if form.errors else 200,
    )

"""Case pages. Cases are loaded only through haven.cases.access; every write calls a service."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from haven.accounts.roles import Capability
from haven.audit.services import log_read
from haven.cases import assign_views, due, merging, selectors, services
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
    ClosureDecisionForm,
    InterviewForm,
    MergeDecideForm,
    MergeProposeForm,
    MergeUndoForm,
    NewCaseForm,
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
from haven.core.sensitivity import Sensitivity
from haven.core.sessions import reads_only
from haven.safeguards.selectors import alerts_for_case

# Cases per page of My cases, most urgent first; "Show more" adds the next ones. A case worker's
# caseload fits in one (CC-14's ceiling is 20). 200 lines made a supervisor's page 220 ms at
# 100,000 cases, most of it drawing lines nobody scrolls to on a phone.
CASES_PER_PAGE = 50


@reads_only
@login_required
def my_cases(request: AuthedRequest) -> HttpResponse:
    # Filters arrive by POST so that a child's name never sits in a URL or history (DP-13).
    # Supervisors start with their whole agency; everyone else with the cases assigned to them.
    can_see_all = can(request.user, Capability.SEE_AGENCY_CASES)
    default_scope = "all" if can_see_all else "mine"
    form = CaseFilterForm(request.POST or None, initial={"scope": default_scope})
    filters = form.cleaned_data if form.is_valid() else {}
    shown = filters.get("shown") or 0
    # One more than a page: whether there are more to show, without counting them all.
    rows = selectors.first_page(
        request.user,
        scope=filters.get("scope") or default_scope,
        stage=filters.get("stage") or "",
        query=filters.get("q") or "",
        with_alerts=bool(filters.get("alerts")),
        limit=CASES_PER_PAGE + 1,
        skip=shown,
    )
    cases = selectors.with_list_details(rows[:CASES_PER_PAGE])
    log_read(user=request.user, what="case.list")
    context = {
        "form": form,
        "cases": cases,
        "can_see_all": can_see_all,
        "filters": {name: filters.get(name) for name in ("scope", "stage", "q", "alerts")},
        "more_after": shown + CASES_PER_PAGE if len(rows) > CASES_PER_PAGE else None,
    }
    if request.htmx:
        # "Show more" adds the next cases to the list; a change of filter replaces it.
        partial = "more" if shown else "results"
        return render(request, f"cases/my_cases.html#{partial}", context)
    context["closures"] = selectors.closures_to_approve(request.user)[:50]
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


def _case_context(request: AuthedRequest, case: Case, **extra: Any) -> dict[str, object]:
    user = request.user
    merge_part = _merge_part(user, case, extra.pop("merge_failed", None))
    classes = readable(user, case)
    closing = selectors.pending_closure(case)
    other = selectors.other_cases(user, case)
    may_change = can(user, Capability.CHANGE_STAGE, case)
    approves = can(user, Capability.APPROVE_CLOSURE, case) and (
        closing is None or closing.created_by_id != user.pk
    )
    events = list(selectors.timeline(case, classes))
    if Sensitivity.IDENTITY in classes:
        # The child's languages show in two places (the child's facts and beside the person
        # picker): read once.
        prefetch_related_objects([case.child], "languages")
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
        "timeline": events,
        # CC-9: one part of the page per day, the latest day open.
        "timeline_days": selectors.by_day(events),
        "due_groups": _due_groups(due.due_for_case(user, case, classes)),
        "erasures": case_erasures(case),
        "other_cases": other,
        # RR-6: a child who comes back after their case closed gets a new case, not a new record.
        "may_open_again": case.stage == Case.Stage.CLOSED
        and bool(agencies_where(user, Capability.REGISTER_CHILD))
        and all(c.stage == Case.Stage.CLOSED for c, _seen in other),
        "stage_form": _stage_form(user, case, closing) if may_change else None,
        "closing": closing,
        "closure_form": ClosureDecisionForm() if approves and closing else None,
        # The first people who may take a part, not every staff member of every agency (CC-9).
        "assign_form": AssignForm.for_case_page(case)
        if can(user, Capability.ASSIGN, case)
        else None,
        "note_form": NoteForm() if can(user, Capability.WRITE_NOTE, case) else None,
        "may": {
            "edit": can(user, Capability.EDIT_CASE, case),
            "interview": can(user, Capability.RECORD_INTERVIEW, case),
            "resolve": can(user, Capability.RESOLVE_ALERT, case),
            "screen": can(user, Capability.SCREEN, case),
            "refer": can(user, Capability.REFER, case),
            "hand_over": can(user, Capability.APPROVE_CLOSURE, case),
        },
        **parts(request, case, classes),
        **merge_part,
        **extra,
    }


def _due_groups(items: list[due.Due]) -> list[tuple[str, str, list[due.Due]]]:
    """What is due on the case (CC-9) in the "What is due" page's groups: overdue, today and
    the days to come; empty when nothing is due this week."""
    if not items:
        return []
    today = timezone.localdate()
    return [
        ("overdue", _("Overdue"), [i for i in items if i.on < today]),
        ("today", _("Today"), [i for i in items if i.on == today]),
        ("week", _("In the next 7 days"), [i for i in items if i.on > today]),
    ]


def _stage_form(user: Any, case: Case, closing: Any, data: Any = None) -> StageForm:
    return StageForm(
        data,
        case=case,
        approves=can(user, Capability.APPROVE_CLOSURE, case),
        closing_asked=closing is not None,
    )


@login_required
def case_open_again(request: AuthedRequest, public_id: str) -> HttpResponse:
    """A new case for a child Haven already knows, opened from one of their earlier cases
    (RR-6): the child keeps their record and the count of times they told their story."""
    earlier = access_case_by_id(request.user, public_id)
    agencies = agencies_where(request.user, Capability.REGISTER_CHILD)
    if not agencies:
        raise PermissionDenied
    form = NewCaseForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open_for_child(
                actor=request.user, earlier=earlier, **form.cleaned_data
            )
        except (ValidationError, SafeguardViolation) as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request,
                _(
                    "A new case %(ref)s is open for this child. Screen the child again: their "
                    "first steps are asked anew."
                )
                % {"ref": case.reference},
            )
            return redirect("cases:detail", public_id=case.public_id)
    log_read(user=request.user, what="case.open_again_form", case=earlier)
    return render(
        request,
        "cases/open_again.html",
        {"form": form, "earlier": earlier, "child": earlier.child},
        status=400 if form.errors else 200,
    )


def _merge_part(user: Any, case: Case, failed: tuple[int, str, Any] | None) -> dict[str, Any]:
    """The case page's part about another record of the same child (RR-6): the merges this case
    took part in, each with the form its reader may use, and the form to propose one."""
    if not can(user, Capability.EDIT_CASE, case):
        return {"merges": [], "merge_form": None}
    rows = []
    for m in merging.merges_of(case):
        row = {
            "merge": m,
            "other": m.merged_case if m.kept_case_id == case.pk else m.kept_case,
            "decide_form": MergeDecideForm() if merging.may_decide(user, m) else None,
            "undo_form": MergeUndoForm() if merging.may_undo(user, m) else None,
        }
        if failed is not None and failed[0] == m.pk:
            row[failed[1]] = failed[2]
        rows.append(row)
    return {"merges": rows, "merge_form": MergeProposeForm()}


def case_page(
    request: AuthedRequest, case: Case, *, status: int = 200, **extra: Any
) -> HttpResponse:
    """The case page; a form that failed is given back with its errors (`extra`)."""
    return render(
        request, "cases/detail.html", _case_context(request, case, **extra), status=status
    )


@login_required
def case_detail(request: AuthedRequest, public_id: str) -> HttpResponse:
    case = access_case_by_id(request.user, public_id)
    log_read(user=request.user, what="case.view", case=case)
    return case_page(request, case)


@require_POST
@login_required
def case_stage(request: AuthedRequest, public_id: str) -> HttpResponse:
    case = access_case_for(request.user, public_id, Capability.CHANGE_STAGE)
    form = _stage_form(request.user, case, selectors.pending_closure(case), request.POST)
    if form.is_valid():
        data = form.cleaned_data
        # Who may not close a case asks a supervisor to (RR-6, CC-1).
        asks = data["to_stage"] == Case.Stage.CLOSED and not can(
            request.user, Capability.APPROVE_CLOSURE, case
        )
        try:
            if asks:
                services.closure_request(
                    case=case,
                    actor=request.user,
                    closed_reason=data["closed_reason"],
                    reason=data["reason"],
                )
            else:
                services.case_change_stage(case=case, actor=request.user, **data)
        except (ValidationError, SafeguardViolation) as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request,
                _("Closing is asked for: a supervisor will approve or decline it.")
                if asks
                else _("The case is now in “%(stage)s”.")
                % {"stage": Case.Stage(data["to_stage"]).label},
            )
            return redirect("cases:detail", public_id=case.public_id)
    return case_page(request, case, status=400, stage_form=form)


@require_http_methods(["GET", "POST"])
@login_required
def case_assign(request: AuthedRequest, public_id: str) -> HttpResponse:
    """GET: the page to choose who takes which part on the case, searchable by name (CC-9).
    POST: assign them; a refused choice comes back on that page with what was wrong (400)."""
    case = access_case_for(request.user, public_id, Capability.ASSIGN)
    if request.method == "GET":
        return assign_views.assign_page(request, case)
    form = AssignForm(request.POST, case=case)
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
    return assign_views.assign_page(request, case, form, status=400)


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
    return case_page(request, case, status=status, note_form=form)


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


@require_POST
@login_required
def closure_decide(request: AuthedRequest, public_id: str, request_id: str) -> HttpResponse:
    """A supervisor approves or declines a request to close the case (RR-6, CC-1)."""
    case = access_case_for(request.user, public_id, Capability.APPROVE_CLOSURE)
    closing = record_for(request.user, case, selectors.closure_requests(case), request_id)
    form = ClosureDecisionForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.closure_decide(
                request=closing, actor=request.user, approve=approve, note=form.cleaned_data["note"]
            )
        except (ValidationError, SafeguardViolation) as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request,
                _("The case is closed.")
                if approve
                else _("The request is declined: the case stays open."),
            )
            return redirect("cases:detail", public_id=case.public_id)
    return case_page(request, case, status=400, closure_form=form)


@login_required
def due_list(request: AuthedRequest) -> HttpResponse:
    """What is due on the person's cases, or for a supervisor their team's (CC-9): overdue
    first, then today, then the week ahead; each line links to where it is done."""
    user = request.user
    may_see_team = can(user, Capability.SEE_AGENCY_CASES)
    scope = "team" if request.GET.get("scope") == "team" and may_see_team else "mine"
    items = due.due_items(user, due.scoped_cases(user, scope))
    today = timezone.localdate()
    groups = [
        ("overdue", _("Overdue"), [i for i in items if i.on < today]),
        ("today", _("Today"), [i for i in items if i.on == today]),
        ("week", _("In the next 7 days"), [i for i in items if i.on > today]),
    ]
    log_read(user=user, what="due.list")
    return render(
        request,
        "cases/due.html",
        {"groups": groups, "scope": scope, "may_see_team": may_see_team, "count": len(items)},
    )

"""The Justice pages of a case (VW-1 … VW-8): the child's part in each proceeding, and a form for
every write. Only a reader who may read legal matters on the case reaches them (404 otherwise,
as for any record they may not read, DP-1); each form needs the capability its service needs.
Cases come from haven.cases.access, records from the justice selectors; every write calls a
service, whose refusal is shown on the form with its measure ID (status 400)."""

from collections.abc import Callable
from dataclasses import dataclass
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
from haven.cases import selectors as case_selectors
from haven.cases.access import access_case_reading, can, readable
from haven.cases.languages import for_interview, previous_interpreter
from haven.cases.models import Case
from haven.children.forms import preferred_language
from haven.core.forms import form_status, run_service
from haven.core.http import AuthedRequest
from haven.core.sensitivity import Sensitivity
from haven.justice import page_selectors, selectors, services
from haven.justice.forms import (
    AttendanceForm,
    ClaimForm,
    ClaimUpdateForm,
    EventForm,
    HearingForm,
    JoinForm,
    ParticipationForm,
    ProceedingEditForm,
    ProceedingForm,
    RiskForm,
    StatementForm,
    UpdateForm,
)
from haven.justice.models import ChildInProceeding, Form
from haven.justice.rules import FORM_OF_KIND
from haven.safeguards.selectors import alerts_for_case

_MEASURES = ("VW-1", "VW-2", "VW-3", "VW-4", "VW-5", "VW-6", "VW-7", "VW-8")


def _case_for(request: AuthedRequest, public_id: str, *capabilities: str) -> Case:
    """The case, for a reader of its legal matters (404 alike when the case is not theirs or
    they may not read legal matters on it), who may take every one of `capabilities` on it
    (403 otherwise, as on every page)."""
    return access_case_reading(request.user, public_id, Sensitivity.LEGAL, *capabilities)


def _page_url(case: Case, anchor: str = "") -> str:
    url = reverse("justice:justice", args=[case.public_id])
    return f"{url}#{anchor}" if anchor else url


@dataclass
class _Row:
    view: page_selectors.PartView
    hearing_form: HearingForm
    event_form: EventForm


def _anchor(part: ChildInProceeding) -> str:
    return f"part-{part.public_id}"


@login_required
def justice(request: AuthedRequest, public_id: str) -> HttpResponse:
    case = _case_for(request, public_id)
    user = request.user
    classes = readable(user, case)
    may = {
        "legal": can(user, Capability.RECORD_LEGAL, case),
        "inform": can(user, Capability.INFORM_CHILD, case),
        "statement": can(user, Capability.RECORD_INTERVIEW, case)
        and can(user, Capability.RECORD_LEGAL, case),
        "resolve": can(user, Capability.RESOLVE_ALERT, case),
    }
    views = [page_selectors.part_view(part) for part in selectors.parts(case)]
    log_read(user=user, what="justice.view", case=case)
    return render(
        request,
        "justice/justice.html",
        {
            "case": case,
            "can_read": {str(c) for c in classes},
            "may": may,
            "alerts": [a for a in alerts_for_case(case, classes) if a.measure_id in _MEASURES],
            # The two small forms of each proceeding, with ids of their own on the page.
            "parts": [
                _Row(
                    view=v,
                    hearing_form=HearingForm(auto_id=f"h-{v.part.public_id}-%s"),
                    event_form=EventForm(auto_id=f"e-{v.part.public_id}-%s"),
                )
                for v in views
            ],
            "joinable": may["legal"] and selectors.joinable(user, case).exists(),
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
    anchor: Callable[[Any], str],
    part: ChildInProceeding | None = None,
    template: str = "justice/form.html",
    **context: Any,
) -> HttpResponse:
    """A form of the Justice pages: saved, the Justice page again at the record's place;
    refused, the form again with what was typed and why, nothing saved: status 400, or 409 when
    someone else changed the record since it was opened."""
    if request.method == "POST":
        saved = run_service(form, call)
        if saved is not None:
            messages.success(request, done)
            return redirect(_page_url(case, anchor(saved)))
    log_read(user=request.user, what="justice.form", case=case)
    return render(
        request,
        template,
        {
            "case": case,
            "form": form,
            "title": title,
            "part": part,
            "back": _page_url(case, _anchor(part) if part else ""),
            "can_read": {str(c) for c in readable(request.user, case)},
            **context,
        },
        status=form_status(form),
    )


# --- proceedings ----------------------------------------------------------------------------------


@login_required
def proceeding_new(request: AuthedRequest, public_id: str) -> HttpResponse:
    case = _case_for(request, public_id, Capability.RECORD_LEGAL)
    form = ProceedingForm(request.POST or None)
    return _form_page(
        request,
        case,
        form,
        lambda: services.proceeding_open(case=case, actor=request.user, **form.cleaned_data),
        title=_("Record a proceeding"),
        done=_("The proceeding is recorded."),
        anchor=_anchor,
    )


@login_required
def proceeding_join(request: AuthedRequest, public_id: str) -> HttpResponse:
    case = _case_for(request, public_id, Capability.RECORD_LEGAL)
    form = JoinForm(request.POST or None, proceedings=selectors.joinable(request.user, case))
    return _form_page(
        request,
        case,
        form,
        lambda: services.proceeding_join(case=case, actor=request.user, **form.cleaned_data),
        title=_("Add the child to a proceeding already recorded"),
        done=_("The child is added to the proceeding."),
        anchor=_anchor,
    )


@login_required
def proceeding_edit(request: AuthedRequest, public_id: str, part_id: str) -> HttpResponse:
    case = _case_for(request, public_id, Capability.RECORD_LEGAL)
    part = selectors.part_for(request.user, case, part_id)
    proceeding = part.proceeding
    initial = {
        name: getattr(proceeding, name)
        for name in (
            "kind",
            "authority",
            "reference",
            "stage",
            "opened_on",
            "closed_on",
            "prosecutor",
            "accused",
            "defence",
        )
    }
    form = ProceedingEditForm(
        request.POST or None,
        initial={
            **initial,
            "role": part.role,
            "child_lawyer": part.child_lawyer,
            "version": proceeding.version,
        },
    )
    return _form_page(
        request,
        case,
        form,
        lambda: services.proceeding_update(
            case=case, actor=request.user, part=part, **form.edit_kwargs()
        ),
        title=_("Change the proceeding"),
        done=_("The proceeding is changed."),
        anchor=_anchor,
        part=part,
    )


# --- hearings and events --------------------------------------------------------------------------


@login_required
def hearing_new(request: AuthedRequest, public_id: str, part_id: str) -> HttpResponse:
    case = _case_for(request, public_id, Capability.RECORD_LEGAL)
    part = selectors.part_for(request.user, case, part_id)
    form = HearingForm(request.POST or None)
    return _form_page(
        request,
        case,
        form,
        lambda: services.hearing_record(
            case=case, actor=request.user, part=part, **form.cleaned_data
        ),
        title=_("Record a hearing date"),
        done=_("The hearing is recorded. Tell the child within 48 hours (VW-6)."),
        anchor=lambda hearing: f"hearing-{hearing.public_id}",
        part=part,
    )


@login_required
def event_new(request: AuthedRequest, public_id: str, part_id: str) -> HttpResponse:
    case = _case_for(request, public_id, Capability.RECORD_LEGAL)
    part = selectors.part_for(request.user, case, part_id)
    form = EventForm(request.POST or None)
    return _form_page(
        request,
        case,
        form,
        lambda: services.event_record(
            case=case, actor=request.user, part=part, **form.cleaned_data
        ),
        title=_("Record a verdict, release or appeal"),
        done=_("It is recorded. Tell the child within 48 hours (VW-6)."),
        anchor=lambda _event: _anchor(part),
        part=part,
    )


# --- taking part (VW-1, VW-2, VW-8) ---------------------------------------------------------------


@login_required
def participation_new(request: AuthedRequest, public_id: str, part_id: str) -> HttpResponse:
    case = _case_for(request, public_id, Capability.RECORD_LEGAL)
    part = selectors.part_for(request.user, case, part_id)
    sessions = selectors.legal_sessions(case)
    decisions = selectors.legal_determinations(case)
    wanted = request.GET.get("form", "")
    form = ParticipationForm(
        request.POST or None,
        sessions=sessions,
        decisions=decisions,
        initial={
            "form": wanted if wanted in Form.values else "",
            "information_session": str(sessions[0].public_id) if sessions else "",
        },
    )
    user = request.user
    return _form_page(
        request,
        case,
        form,
        lambda: services.participation_record(
            case=case, actor=user, part=part, **form.cleaned_data
        ),
        title=_("Record the child's choice about taking part"),
        done=_("The child's choice is recorded."),
        anchor=lambda _p: _anchor(part),
        part=part,
        template="justice/participation_form.html",
        sessions=sessions,
        has_decisions=decisions.exists(),
        may_inform=can(user, Capability.INFORM_CHILD, case),
        may_decide=can(user, Capability.DECIDE_BEST_INTERESTS, case),
    )


# --- a hearing: support and measures (VW-3, VW-4) -------------------------------------------------


@login_required
def attendance(
    request: AuthedRequest, public_id: str, part_id: str, hearing_id: str
) -> HttpResponse:
    case = _case_for(request, public_id, Capability.RECORD_LEGAL)
    part = selectors.part_for(request.user, case, part_id)
    hearing = selectors.hearing_of(part, hearing_id)
    there = page_selectors.attendance_at(part, hearing)
    initial = (
        {
            "testifies": there.testifies,
            "support_user": there.support_user,
            "support_name": there.support_name,
            "support_relation": there.support_relation,
            "requested": there.requested,
            "granted": there.granted,
            "applied": there.applied,
        }
        if there
        else {}
    )
    people = selectors.support_people(case)
    form = AttendanceForm(request.POST or None, people=people, initial=initial)
    return _form_page(
        request,
        case,
        form,
        lambda: services.attendance_record(
            case=case, actor=request.user, part=part, hearing=hearing, **form.cleaned_data
        ),
        title=_("Support and measures at the hearing"),
        done=_("Support and measures at the hearing are recorded."),
        anchor=lambda _a: f"hearing-{hearing.public_id}",
        part=part,
        template="justice/attendance_form.html",
        hearing=hearing,
        has_people=people.exists(),
    )


# --- statements (VW-1, VW-3, VW-4, VW-5, CC-6) ----------------------------------------------------


@login_required
def statement_new(request: AuthedRequest, public_id: str, part_id: str) -> HttpResponse:
    # A statement is an interview (RECORD_INTERVIEW) and taking part in a proceeding
    # (RECORD_LEGAL): both are needed.
    case = _case_for(request, public_id, Capability.RECORD_INTERVIEW, Capability.RECORD_LEGAL)
    part = selectors.part_for(request.user, case, part_id)
    wanted = request.GET.get("kind", "")
    form = StatementForm(
        request.POST or None, initial={"kind": wanted if wanted in FORM_OF_KIND else ""}
    )
    in_force = page_selectors.decisions_in_force(part)
    return _form_page(
        request,
        case,
        form,
        lambda: services.statement_record(
            case=case, actor=request.user, part=part, **form.cleaned_data
        ),
        title=_("Record a statement or testimony"),
        done=_("The statement is recorded, and counted as a retelling (VW-5)."),
        anchor=lambda _s: _anchor(part),
        part=part,
        template="justice/statement_form.html",
        # What the child decided for each form a statement can take (VW-1), before they fill in.
        standing=[(Form(f).label, in_force.get(f)) for f in FORM_OF_KIND.values()],
        retellings=case_selectors.retelling_count(case),
        told_to=case_selectors.retelling_summary(case),
        languages=for_interview(case, request.user),
        last_interpreter=previous_interpreter(case),
    )


# --- updates to the child (VW-6) ------------------------------------------------------------------


@login_required
def update_new(request: AuthedRequest, public_id: str, part_id: str) -> HttpResponse:
    case = _case_for(request, public_id, Capability.INFORM_CHILD)
    part = selectors.part_for(request.user, case, part_id)
    form = UpdateForm(
        request.POST or None,
        initial={
            "given_at": timezone.localtime().replace(second=0, microsecond=0),
            "given_by": request.user.get_full_name(),
            "language": preferred_language(case.child),
        },
    )
    return _form_page(
        request,
        case,
        form,
        lambda: services.update_record(
            case=case, actor=request.user, part=part, **form.cleaned_data
        ),
        title=_("Record an update to the child"),
        done=_("The update to the child is recorded."),
        anchor=lambda _u: _anchor(part),
        part=part,
        template="justice/update_form.html",
        news=page_selectors.news_since_told(part),
    )


# --- reprisal risk (VW-7) -------------------------------------------------------------------------


@login_required
def risk_new(request: AuthedRequest, public_id: str, part_id: str) -> HttpResponse:
    case = _case_for(request, public_id, Capability.RECORD_LEGAL)
    part = selectors.part_for(request.user, case, part_id)
    form = RiskForm(request.POST or None)
    return _form_page(
        request,
        case,
        form,
        lambda: services.risk_record(case=case, actor=request.user, part=part, **form.cleaned_data),
        title=_("Assess the risk of reprisal"),
        done=_("The risk of reprisal is recorded."),
        anchor=lambda _r: _anchor(part),
        part=part,
    )


# --- compensation ---------------------------------------------------------------------------------


@login_required
def compensation_new(request: AuthedRequest, public_id: str, part_id: str) -> HttpResponse:
    case = _case_for(request, public_id, Capability.RECORD_LEGAL)
    part = selectors.part_for(request.user, case, part_id)
    form = ClaimForm(request.POST or None)
    return _form_page(
        request,
        case,
        form,
        lambda: services.compensation_record(
            case=case, actor=request.user, part=part, **form.cleaned_data
        ),
        title=_("Claim compensation"),
        done=_("The claim is recorded."),
        anchor=lambda claim: f"claim-{claim.public_id}",
        part=part,
    )


@login_required
def compensation_update(
    request: AuthedRequest, public_id: str, part_id: str, claim_id: str
) -> HttpResponse:
    case = _case_for(request, public_id, Capability.RECORD_LEGAL)
    part = selectors.part_for(request.user, case, part_id)
    claim = selectors.compensation_of(part, claim_id)
    form = ClaimUpdateForm(
        request.POST or None,
        initial={
            "version": claim.version,
            **{
                name: getattr(claim, name)
                for name in (
                    "claimed_on",
                    "currency",
                    "amount_claimed",
                    "amount_awarded",
                    "awarded_on",
                    "amount_paid",
                    "held_for_child",
                    "held_by",
                )
            },
        },
    )
    return _form_page(
        request,
        case,
        form,
        lambda: services.compensation_record(
            case=case, actor=request.user, part=part, compensation=claim, **form.edit_kwargs()
        ),
        title=_("What became of the claim"),
        done=_("The claim is updated."),
        anchor=lambda saved: f"claim-{saved.public_id}",
        part=part,
    )

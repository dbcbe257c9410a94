"""Pages for two records of one child (RR-6): propose a merge from a case, confirm or decline
it, undo it within 30 days. The rules are in haven.cases.merging; who may act in
haven.cases.access."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from haven.accounts.roles import Capability
from haven.cases import merging
from haven.cases.access import access_case_for, record_for
from haven.cases.forms import MergeDecideForm, MergeProposeForm, MergeUndoForm
from haven.cases.models import Case, ChildMerge
from haven.cases.views import case_page
from haven.core.errors import SafeguardViolation
from haven.core.forms import apply_service_error
from haven.core.http import AuthedRequest


def _back(case: Case) -> HttpResponse:
    response = redirect("cases:detail", public_id=case.public_id)
    response["Location"] += "#merge-h"
    return response


@require_POST
@login_required
def merge_propose(request: AuthedRequest, public_id: str) -> HttpResponse:
    case = access_case_for(request.user, public_id, Capability.EDIT_CASE)
    form = MergeProposeForm(request.POST)
    if form.is_valid():
        try:
            other = merging.find_case_for_merge(
                request.user, reference=form.cleaned_data["other_case"]
            )
            merging.merge_propose(
                actor=request.user,
                kept_case=case,
                merged_case=other,
                reason=form.cleaned_data["reason"],
            )
        except (ValidationError, SafeguardViolation) as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request, _("The merge is proposed: a colleague confirms it or declines it.")
            )
            return _back(case)
    return case_page(request, case, status=400, merge_form=form)


def _merge_of(request: AuthedRequest, case: Case, merge_id: str) -> ChildMerge:
    return record_for(request.user, case, merging.merges_of(case), merge_id)


@require_POST
@login_required
def merge_decide(request: AuthedRequest, public_id: str, merge_id: str) -> HttpResponse:
    case = access_case_for(request.user, public_id, Capability.EDIT_CASE)
    merge = _merge_of(request, case, merge_id)
    form = MergeDecideForm(request.POST)
    if form.is_valid():
        confirm = form.cleaned_data["decision"] == "confirm"
        try:
            merging.merge_decide(
                merge=merge, actor=request.user, confirm=confirm, note=form.cleaned_data["note"]
            )
        except (ValidationError, SafeguardViolation) as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request,
                _("The two records are now one child.")
                if confirm
                else _("The merge is declined: the records stay apart."),
            )
            return _back(case)
    return case_page(request, case, status=400, merge_failed=(merge.pk, "decide_form", form))


@require_POST
@login_required
def merge_undo(request: AuthedRequest, public_id: str, merge_id: str) -> HttpResponse:
    case = access_case_for(request.user, public_id, Capability.EDIT_CASE)
    merge = _merge_of(request, case, merge_id)
    form = MergeUndoForm(request.POST)
    if form.is_valid():
        try:
            merging.merge_undo(merge=merge, actor=request.user, reason=form.cleaned_data["reason"])
        except (ValidationError, SafeguardViolation) as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("The merge is undone: the records are apart again."))
            return _back(case)
    return case_page(request, case, status=400, merge_failed=(merge.pk, "undo_form", form))

"""The child's record, reached through one of their cases (access follows the case)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from haven.accounts.roles import Capability
from haven.audit.services import log_read
from haven.cases import child_services as services
from haven.cases.access import access_case_for
from haven.children.forms import AgeAssessmentForm, ChildEditForm
from haven.children.models import AgeStatus
from haven.core.errors import EditConflict, SafeguardViolation
from haven.core.forms import apply_service_error, form_status
from haven.core.http import AuthedRequest


@login_required
def child_edit(request: AuthedRequest, public_id: str) -> HttpResponse:
    case = access_case_for(request.user, public_id, Capability.EDIT_CASE)
    child = case.child
    form = ChildEditForm(request.POST or None, initial=ChildEditForm.initial_for(child))
    if child.age_status == AgeStatus.DETERMINED:
        form.lock_determined_age()
    if request.method == "POST" and form.is_valid():
        try:
            services.child_update(
                case=case,
                actor=request.user,
                nationalities=form.nationality_list(),
                languages=form.language_list(),
                aliases=form.alias_list(),
                expected_version=form.expected_version(),
                **form.child_fields(),
            )
        except (ValidationError, SafeguardViolation, EditConflict) as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("The child's record is updated."))
            return redirect("cases:detail", public_id=case.public_id)
    else:
        log_read(user=request.user, what="child.edit", case=case)
    return render(
        request,
        "children/edit.html",
        {"case": case, "child": child, "form": form, "presumption": child.presumption},
        status=form_status(form),
    )


@login_required
def age_assessment_new(request: AuthedRequest, public_id: str) -> HttpResponse:
    case = access_case_for(request.user, public_id, Capability.EDIT_CASE)
    form = AgeAssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.age_assessment_record(case=case, actor=request.user, **form.cleaned_data)
        except (ValidationError, SafeguardViolation) as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("The age assessment is recorded."))
            return redirect("cases:detail", public_id=case.public_id)
    return render(
        request,
        "children/age_assessment.html",
        {"case": case, "child": case.child, "form": form, "presumption": case.child.presumption},
        status=400 if form.errors else 200,
    )

"""Where the child lives (ND-1 … ND-5): placements and their reviews, restrictions and family
contact, charges against the child and challenges to detention. Cases are loaded only through
haven.cases.access; every write calls a service."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from haven.accounts.roles import Capability
from haven.audit.services import log_read
from haven.cases.access import access_case_by_id, access_case_for, can, readable, record_for
from haven.cases.models import Case
from haven.core.forms import VersionedForm, run_service
from haven.core.http import AuthedRequest
from haven.core.sensitivity import Sensitivity
from haven.decisions import selectors as decision_selectors
from haven.placements import selectors, services
from haven.placements.forms import (
    ChallengeDecisionForm,
    ChallengeForm,
    ChargeForm,
    ChargeUpdateForm,
    FamilyContactForm,
    PlacementDecisionForm,
    PlacementEndForm,
    PlacementForm,
    PlacementReviewForm,
    RestrictionForm,
    RestrictionReviewForm,
)
from haven.placements.models import Charge, PlacementEndReason
from haven.protection import selectors as protection_selectors
from haven.safeguards.selectors import alerts_for_case

_MEASURES = ("ND-1", "ND-2", "ND-3", "ND-4", "ND-5", "CC-1")


def _back(case: Case, anchor: str = "") -> HttpResponse:
    url = reverse("placements:placements", args=[case.public_id])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _inline(
    request: AuthedRequest,
    case: Case,
    form: forms.Form,
    call: Callable[[], Any],
    done: str,
    anchor: str,
) -> HttpResponse:
    """A small form posted from the page: the outcome is a message, and the page again."""
    if run_service(form, call) is None:
        errors = [str(e) for errs in form.errors.values() for e in errs]
        messages.error(request, _("Nothing was saved: %(why)s") % {"why": " ".join(errors)})
    else:
        messages.success(request, done)
    return _back(case, anchor)


@login_required
def placements(request: AuthedRequest, public_id: str) -> HttpResponse:
    case = access_case_by_id(request.user, public_id)
    classes = readable(request.user, case)
    user = request.user
    # A placement is whereabouts, and a legal matter when the child cannot leave (DP-9).
    rows = [p for p in selectors.placements(case) if p.readable_with(classes)]
    bids = list(decision_selectors.determinations(case))
    log_read(user=user, what="placement.view", case=case)
    return render(
        request,
        "placements/placements.html",
        {
            "case": case,
            "can_read": {str(c) for c in classes},
            "may": {
                "place": can(user, Capability.RECORD_PLACEMENT, case),
                "legal": can(user, Capability.RECORD_LEGAL, case),
                "resolve": can(user, Capability.RESOLVE_ALERT, case),
            },
            "alerts": [a for a in alerts_for_case(case, classes) if a.measure_id in _MEASURES],
            "current": next((p for p in rows if p.end_on is None), None),
            "placements": rows,
            "bids": bids,
            "restrictions": (
                list(selectors.restrictions(case)) if Sensitivity.FAMILY in classes else []
            ),
            "contacts": (
                list(selectors.family_contacts(case)) if Sensitivity.FAMILY in classes else []
            ),
            "charges": list(selectors.charges(case)) if Sensitivity.LEGAL in classes else [],
            "lawyers": (
                list(protection_selectors.legal_assistance(case))
                if Sensitivity.LEGAL in classes
                else []
            ),
            "today": timezone.localdate(),
            "review_form": PlacementReviewForm(),
            "charge_statuses": Charge.Status.choices,
            "end_reasons": PlacementEndReason.choices,
        },
    )


def _form_page(
    request: AuthedRequest,
    public_id: str,
    capability: str,
    form_class: type[forms.Form],
    call: Callable[[Case, dict[str, Any]], Any],
    title: str,
    done: str,
    anchor: str,
    **form_kwargs: Callable[[Case], Any],
) -> HttpResponse:
    case = access_case_for(request.user, public_id, capability)
    kwargs = {name: make(case) for name, make in form_kwargs.items()}
    form = form_class(request.POST or None, **kwargs)
    if request.method == "POST" and run_service(form, lambda: call(case, form.cleaned_data)):
        messages.success(request, done)
        return _back(case, anchor)
    log_read(user=request.user, what="placement.form", case=case)
    return render(
        request,
        "placements/placement_form.html",
        {"case": case, "form": form, "title": title},
        status=400 if form.errors else 200,
    )


@login_required
def placement_new(request: AuthedRequest, public_id: str) -> HttpResponse:
    return _form_page(
        request,
        public_id,
        Capability.RECORD_PLACEMENT,
        PlacementForm,
        lambda case, data: services.placement_record(case=case, actor=request.user, **data),
        _("Record where the child lives"),
        _("The placement is recorded."),
        "current",
        decisions=decision_selectors.determinations,
    )


@login_required
def restriction_new(request: AuthedRequest, public_id: str) -> HttpResponse:
    return _form_page(
        request,
        public_id,
        Capability.RECORD_PLACEMENT,
        RestrictionForm,
        lambda case, data: services.restriction_record(case=case, actor=request.user, **data),
        _("Record a restriction"),
        _("The restriction is recorded."),
        "restrictions",
    )


@login_required
def family_contact_new(request: AuthedRequest, public_id: str) -> HttpResponse:
    return _form_page(
        request,
        public_id,
        Capability.RECORD_PLACEMENT,
        FamilyContactForm,
        lambda case, data: services.family_contact_record(case=case, actor=request.user, **data),
        _("Record family contact"),
        _("The family contact is recorded."),
        "restrictions",
    )


@login_required
def charge_new(request: AuthedRequest, public_id: str) -> HttpResponse:
    return _form_page(
        request,
        public_id,
        Capability.RECORD_LEGAL,
        ChargeForm,
        lambda case, data: services.charge_record(case=case, actor=request.user, **data),
        _("Record a charge against the child"),
        _("The charge is recorded."),
        "charges",
    )


def _inline_action(
    capability: str,
    rows: Callable[[Case], QuerySet[Any]],
    form_class: Callable[..., forms.Form],
    call: Callable[[Any, Any, dict[str, Any]], Any],
    done: Any,
    anchor: str,
    **form_kwargs: Callable[[Case], Any],
) -> Callable[..., HttpResponse]:
    """A view for a small form posted from the placements page: load the case for the
    capability, the record within that case that the user may read (haven.cases.access, 404
    otherwise, as on the API), and call the service; the outcome is a message and the page
    again."""

    @require_POST
    @login_required
    def view(request: AuthedRequest, public_id: str, item_id: str) -> HttpResponse:
        case = access_case_for(request.user, public_id, capability)
        item = record_for(request.user, case, rows(case), item_id)
        kwargs = {name: make(case) for name, make in form_kwargs.items()}
        form = form_class(request.POST, **kwargs)
        # An edit of the record carries the version the person saw on the page (lost updates).
        return _inline(
            request,
            case,
            form,
            lambda: call(
                item,
                request.user,
                form.edit_kwargs() if isinstance(form, VersionedForm) else form.cleaned_data,
            ),
            str(done),
            anchor,
        )

    return view


placement_review = _inline_action(
    Capability.RECORD_PLACEMENT,
    selectors.placements,
    PlacementReviewForm,
    lambda item, actor, data: services.placement_review_record(placement=item, actor=actor, **data),
    gettext_lazy("The review is recorded."),
    "current",
)
placement_end = _inline_action(
    Capability.RECORD_PLACEMENT,
    selectors.placements,
    PlacementEndForm,
    lambda item, actor, data: services.placement_end(placement=item, actor=actor, **data),
    gettext_lazy("The placement is recorded as ended."),
    "current",
)
placement_decision = _inline_action(
    Capability.RECORD_PLACEMENT,
    selectors.placements,
    PlacementDecisionForm,
    lambda item, actor, data: services.placement_link_decision(
        placement=item, actor=actor, decision=data["decision"]
    ),
    gettext_lazy("The determination is linked to the placement."),
    "current",
    decisions=decision_selectors.determinations,
)
challenge_new = _inline_action(
    Capability.RECORD_LEGAL,
    selectors.placements,
    ChallengeForm,
    lambda item, actor, data: services.liberty_challenge_record(
        placement=item, actor=actor, **data
    ),
    gettext_lazy("The challenge is recorded."),
    "current",
)
challenge_decide = _inline_action(
    Capability.RECORD_LEGAL,
    selectors.challenges,
    ChallengeDecisionForm,
    lambda item, actor, data: services.liberty_challenge_decide(
        challenge=item, actor=actor, **data
    ),
    gettext_lazy("The decision is recorded."),
    "current",
)
restriction_review = _inline_action(
    Capability.RECORD_PLACEMENT,
    selectors.restrictions,
    RestrictionReviewForm,
    lambda item, actor, data: services.restriction_review(restriction=item, actor=actor, **data),
    gettext_lazy("The restriction is reviewed."),
    "restrictions",
)
charge_update = _inline_action(
    Capability.RECORD_LEGAL,
    selectors.charges,
    ChargeUpdateForm,
    lambda item, actor, data: services.charge_update(charge=item, actor=actor, **data),
    gettext_lazy("The charge is updated."),
    "charges",
)

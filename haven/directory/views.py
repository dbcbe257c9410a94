"""Directory and referral pages (CC-15, DP-2, DP-5, DP-9, DP-16). Cases are loaded only
through haven.cases.access; incoming referrals only among those sent to the user's agencies;
every write calls a service."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from haven.accounts.models import Agency
from haven.accounts.roles import Capability
from haven.audit.services import log_read
from haven.cases.access import access_case_for, agencies_where, can, record_for
from haven.consent.models import Consent
from haven.consent.selectors import sharing_consents
from haven.core.errors import SafeguardViolation
from haven.core.forms import form_status, run_service
from haven.core.http import AuthedRequest
from haven.decisions.selectors import return_determinations
from haven.directory import selectors, services, transfers
from haven.directory.forms import (
    AssessmentForm,
    DeclineForm,
    OfferEditForm,
    OfferForm,
    ReferralEndForm,
    ReferralForm,
    SearchForm,
    TransferForm,
    TransferNoteForm,
)
from haven.directory.models import OFFER_FIELDS, DeclineReason, ReferralEndReason, ServiceOffer


def _status(form: Any) -> int:
    return 400 if form.errors else 200


# --- the directory (CC-15) -------------------------------------------------------------------


@login_required
def search(request: AuthedRequest) -> HttpResponse:
    """Every signed-in staff member can search the directory. Filters come from the address,
    as they name no child; there is no nationality filter (CC-4)."""
    form = SearchForm(request.GET or None)
    offers = (
        selectors.search_offers(**form.filters()) if form.is_bound else selectors.search_offers()
    )
    log_read(user=request.user, what="directory.search")
    return render(
        request,
        "directory/search.html",
        {
            "form": form,
            "offers": offers,
            "may_manage": can(request.user, Capability.MANAGE_DIRECTORY),
            "may_respond": can(request.user, Capability.RESPOND_REFERRAL),
        },
        status=_status(form),
    )


def _managed(request: AuthedRequest) -> list[Agency]:
    agencies = agencies_where(request.user, Capability.MANAGE_DIRECTORY)
    if not agencies:
        raise PermissionDenied
    return agencies


@login_required
def manage(request: AuthedRequest) -> HttpResponse:
    agencies = _managed(request)
    offers = selectors.managed_offers(a.pk for a in agencies).order_by("-is_active", "name")
    return render(request, "directory/manage.html", {"agencies": agencies, "offers": offers})


def _offer_kwargs(form: OfferForm) -> dict[str, Any]:
    return dict(form.cleaned_data)


@login_required
def offer_new(request: AuthedRequest) -> HttpResponse:
    agency = _managed(request)[0]
    form = OfferForm(request.POST or None, initial={"country": agency.country, "is_active": True})
    if request.method == "POST":

        def create() -> Any:
            data = _offer_kwargs(form)
            data.pop("is_active")
            return services.offer_create(actor=request.user, agency=agency, **data)

        offer = run_service(form, create)
        if offer is not None:
            messages.success(request, _("%(name)s is in the directory.") % {"name": offer.name})
            return redirect("directory:manage")
    return render(
        request, "directory/offer_form.html", {"form": form, "agency": agency}, status=_status(form)
    )


def _managed_offer(request: AuthedRequest, offer_id: str) -> ServiceOffer:
    agencies = _managed(request)
    try:
        offer = selectors.managed_offers(a.pk for a in agencies).filter(public_id=offer_id).first()
    except (ValueError, TypeError):
        offer = None
    if offer is None:
        raise Http404
    return offer


@login_required
def offer_edit(request: AuthedRequest, offer_id: str) -> HttpResponse:
    offer = _managed_offer(request, offer_id)
    initial = {key: getattr(offer, key) for key in (*OFFER_FIELDS, "is_active")}
    form = OfferEditForm(request.POST or None, initial={**initial, "version": offer.version})
    if request.method == "POST":
        updated = run_service(
            form,
            lambda: services.offer_update(offer=offer, actor=request.user, **form.edit_kwargs()),
        )
        if updated is not None:
            messages.success(request, _("%(name)s is updated.") % {"name": updated.name})
            return redirect("directory:manage")
    return render(
        request,
        "directory/offer_form.html",
        {"form": form, "agency": offer.agency, "offer": offer},
        status=form_status(form),
    )


@require_POST
@login_required
def offer_deactivate(request: AuthedRequest, offer_id: str) -> HttpResponse:
    offer = _managed_offer(request, offer_id)
    services.offer_deactivate(offer=offer, actor=request.user)
    messages.success(request, _("%(name)s no longer takes referrals.") % {"name": offer.name})
    return redirect("directory:manage")


# --- data-sharing assessments (DP-16) -----------------------------------------------------------


@login_required
def assessments(request: AuthedRequest) -> HttpResponse:
    agencies = _managed(request)
    agency = agencies[0]
    others = Agency.objects.exclude(pk=agency.pk).order_by("name")
    form = AssessmentForm(request.POST or None, agencies=others)
    if request.method == "POST":
        done = run_service(
            form,
            lambda: services.sharing_assessment_record(
                actor=request.user, from_agency=agency, **form.cleaned_data
            ),
        )
        if done is not None:
            messages.success(request, _("The data-sharing assessment is recorded."))
            return redirect("directory:assessments")
    return render(
        request,
        "directory/assessments.html",
        {
            "agency": agency,
            "form": form,
            "assessments": selectors.assessments(a.pk for a in agencies),
        },
        status=_status(form),
    )


# --- incoming referrals (CC-15, DP-9) -----------------------------------------------------------


@login_required
def incoming(request: AuthedRequest) -> HttpResponse:
    """Referrals waiting for the user's agencies: what the service needs to decide, never the
    child's name (DP-9); the case opens only after acceptance (DP-2)."""
    if not can(request.user, Capability.RESPOND_REFERRAL):
        raise PermissionDenied
    log_read(user=request.user, what="referral.incoming")
    return render(
        request,
        "directory/incoming.html",
        {
            "waiting": list(selectors.incoming(request.user)),
            "accepted": list(selectors.accepted_by(request.user)),
            "transfers": list(selectors.incoming_transfers(request.user)),
            "note_form": TransferNoteForm(),
            "decline_form": DeclineForm(),
            "decline_reasons": DeclineReason.choices,
        },
    )


def _incoming(request: AuthedRequest, referral_id: str) -> Any:
    referral = selectors.incoming_referral(request.user, referral_id)
    if referral is None:
        raise Http404
    return referral


@require_POST
@login_required
def accept(request: AuthedRequest, referral_id: str) -> HttpResponse:
    referral = _incoming(request, referral_id)
    try:
        referral = services.referral_accept(referral=referral, actor=request.user)
    except (SafeguardViolation, ValidationError) as exc:
        messages.error(request, _message(exc))
        return redirect("directory:incoming")
    messages.success(request, _("Referral accepted: you can now open the case."))
    return redirect("cases:detail", public_id=referral.case.public_id)


def _message(exc: Exception) -> str:
    if isinstance(exc, SafeguardViolation):
        return _("%(measure)s: %(message)s") % {"measure": exc.measure_id, "message": exc.message}
    return " ".join(getattr(exc, "messages", [str(exc)]))


@require_POST
@login_required
def decline(request: AuthedRequest, referral_id: str) -> HttpResponse:
    referral = _incoming(request, referral_id)
    form = DeclineForm(request.POST)
    done = run_service(
        form,
        lambda: services.referral_decline(
            referral=referral, actor=request.user, **form.cleaned_data
        ),
    )
    if done is None:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    else:
        messages.success(request, _("Referral declined; the referring agency sees your reason."))
    return redirect("directory:incoming")


# --- a case's referrals (CC-15, DP-5, DP-9, DP-16) ----------------------------------------------


def _sharing_consents(case: Any) -> list[Consent]:
    return list(
        sharing_consents(case, in_force=True)
        .prefetch_related("recipient_agencies")
        .order_by("-given_on", "-pk")
    )


@login_required
def case_referrals(request: AuthedRequest, public_id: str) -> HttpResponse:
    case = access_case_for(request.user, public_id, Capability.REFER)
    log_read(user=request.user, what="referral.list", case=case)
    return render(
        request,
        "directory/case_referrals.html",
        {
            "case": case,
            "referrals": list(selectors.case_referrals(case)),
            "end_reasons": ReferralEndReason.choices,
        },
    )


@login_required
def referral_new(request: AuthedRequest, public_id: str) -> HttpResponse:
    case = access_case_for(request.user, public_id, Capability.REFER)
    service_type = request.GET.get("service_type", "")
    offers = selectors.offers_for_case(case, service_type)
    form = ReferralForm(
        request.POST or None,
        offers=offers,
        consents=_sharing_consents(case),
        initial={"offer": request.GET.get("offer", "")},
    )
    if request.method == "POST":
        referral = run_service(
            form,
            lambda: services.referral_send(case=case, actor=request.user, **form.service_kwargs()),
        )
        if referral is not None:
            messages.success(
                request,
                _("Referral sent to %(agency)s.") % {"agency": referral.to_agency.name},
            )
            return redirect("referrals:list", public_id=case.public_id)
    log_read(user=request.user, what="referral.new", case=case)
    return render(
        request,
        "directory/referral_new.html",
        {
            "case": case,
            "form": form,
            "offers": offers,
            "age": selectors.child_age(case),
        },
        status=_status(form),
    )


def _case_referral(request: AuthedRequest, public_id: str, referral_id: str) -> tuple[Any, Any]:
    case = access_case_for(request.user, public_id, Capability.REFER)
    return case, record_for(request.user, case, selectors.case_referrals(case), referral_id)


def _end(
    request: AuthedRequest, public_id: str, referral_id: str, call: Any, done: str
) -> HttpResponse:
    case, referral = _case_referral(request, public_id, referral_id)
    form = ReferralEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("referrals:list", public_id=case.public_id)
    try:
        call(referral=referral, actor=request.user, **form.cleaned_data)
    except (ValidationError, SafeguardViolation) as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, done)
    return redirect("referrals:list", public_id=case.public_id)


@require_POST
@login_required
def withdraw(request: AuthedRequest, public_id: str, referral_id: str) -> HttpResponse:
    return _end(
        request, public_id, referral_id, services.referral_withdraw, _("The referral is withdrawn.")
    )


@require_POST
@login_required
def close(request: AuthedRequest, public_id: str, referral_id: str) -> HttpResponse:
    return _end(
        request, public_id, referral_id, services.referral_close, _("The referral is closed.")
    )


# --- handing a case over to another agency (RR-7, DP-5, DP-9, DP-16) ----------------------------


@login_required
def case_transfers(request: AuthedRequest, public_id: str) -> HttpResponse:
    """The case's transfers: the sending agency's record of what it sent, to whom, on what
    basis, and the form to ask for one."""
    case = access_case_for(request.user, public_id, Capability.APPROVE_CLOSURE)
    form = TransferForm(
        request.POST or None,
        agencies=Agency.objects.exclude(pk=case.lead_agency_id).order_by("name"),
        consents=_sharing_consents(case),
        decisions=list(return_determinations(case)),
    )
    if request.method == "POST":
        transfer = run_service(
            form,
            lambda: transfers.transfer_request(
                case=case, actor=request.user, **form.service_kwargs()
            ),
        )
        if transfer is not None:
            messages.success(
                request,
                _("Handing over asked of %(agency)s: the case stays here until they accept.")
                % {"agency": transfer.to_agency.name},
            )
            return redirect("referrals:transfers", public_id=case.public_id)
    log_read(user=request.user, what="transfer.list", case=case)
    return render(
        request,
        "directory/case_transfers.html",
        {
            "case": case,
            "form": form,
            "transfers": list(selectors.case_transfers(case)),
            "note_form": TransferNoteForm(),
        },
        status=_status(form),
    )


@require_POST
@login_required
def transfer_withdraw(request: AuthedRequest, public_id: str, transfer_id: str) -> HttpResponse:
    case = access_case_for(request.user, public_id, Capability.APPROVE_CLOSURE)
    transfer = record_for(request.user, case, selectors.case_transfers(case), transfer_id)
    form = TransferNoteForm(request.POST)
    done = run_service(
        form,
        lambda: transfers.transfer_withdraw(
            transfer=transfer, actor=request.user, note=form.cleaned_data["note"]
        ),
    )
    if done is None:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    else:
        messages.success(request, _("The request to hand over the case is withdrawn."))
    return redirect("referrals:transfers", public_id=case.public_id)


def _incoming_transfer(request: AuthedRequest, transfer_id: str) -> Any:
    transfer = selectors.incoming_transfer(request.user, transfer_id)
    if transfer is None:
        raise Http404
    return transfer


@require_POST
@login_required
def transfer_accept(request: AuthedRequest, transfer_id: str) -> HttpResponse:
    transfer = _incoming_transfer(request, transfer_id)
    try:
        transfer = transfers.transfer_accept(transfer=transfer, actor=request.user)
    except (SafeguardViolation, ValidationError) as exc:
        messages.error(request, _message(exc))
        return redirect("directory:incoming")
    messages.success(
        request,
        _("The case is handed over to your agency: you are the child's case worker."),
    )
    assert transfer.new_case is not None  # accepted: the receiving agency's case
    return redirect("cases:detail", public_id=transfer.new_case.public_id)


@require_POST
@login_required
def transfer_decline(request: AuthedRequest, transfer_id: str) -> HttpResponse:
    transfer = _incoming_transfer(request, transfer_id)
    form = TransferNoteForm(request.POST)
    done = run_service(
        form,
        lambda: transfers.transfer_decline(
            transfer=transfer, actor=request.user, note=form.cleaned_data["note"]
        ),
    )
    if done is None:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    else:
        messages.success(request, _("Declined; the other agency sees your reason."))
    return redirect("directory:incoming")

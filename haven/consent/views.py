"""Consent and information pages. Cases are loaded only through haven.cases.access; every
write calls a service."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from haven.accounts.roles import Capability
from haven.audit.services import log_read
from haven.cases.access import access_case_for, can, readable, record_for
from haven.cases.models import Case
from haven.children.age import age_on
from haven.children.forms import preferred_language
from haven.consent import selectors, services
from haven.consent.forms import (
    ConsentForm,
    InformationForm,
    OverrideForm,
    SheetForm,
    WithdrawForm,
)
from haven.consent.models import ChildAnswer, Consent, RepresentativeAnswer
from haven.consent.sheets import band_for, closest_sheet_language, sheet_language_for
from haven.core.codes import languages
from haven.core.forms import run_service
from haven.core.http import AuthedRequest
from haven.core.sensitivity import Sensitivity
from haven.decisions.selectors import determinations


def _back(case_id: object, anchor: str) -> HttpResponse:
    from django.urls import reverse

    return redirect(reverse("protection:overview", args=[case_id]) + f"#{anchor}")


def _consent_age_note(user: Any, case: Case) -> dict[str, Any] | None:
    """What the consent form says before saving about a child under the consent age, or whose
    age is not known (CC-3, DP-5): the child gives assent and a parent's or guardian's consent
    is also needed. The child's guardian is named, or a link offered to appoint one, only to
    someone who may read family matters on the case (DP-1), the link only to someone who may
    appoint (PS-1). None for a child of the consent age or older."""
    consent_age = settings.HAVEN_CHILD_CONSENT_AGE
    birth_date = case.child.birth_date
    child_age = age_on(birth_date, timezone.localdate()) if birth_date else None
    if child_age is not None and child_age >= consent_age:
        return None
    note: dict[str, Any] = {
        "consent_age": consent_age,
        "age_known": child_age is not None,
        "guardian": None,
        "appoint": False,
    }
    if Sensitivity.FAMILY in readable(user, case):
        # Protection stands above consent in the layers: its appointments are read through the
        # case's reverse relation, never by importing haven.protection.
        current = case.guardian_appointments.current().select_related("guardian").first()
        if current is not None:
            note["guardian"] = str(current.guardian)
        else:
            note["appoint"] = can(user, Capability.APPOINT_GUARDIAN, case)
    return note


def _not_in_force_message(consent: Consent) -> str:
    """Why a recorded answer gives no consent, in plain words (CC-3, DP-5). Only a refusal by
    the child or the representative is "respected"; an assent, or a child who could not be
    asked, without a parent's or guardian's consent is not consent yet."""
    respected = _("Recorded. This does not give consent: the answer is respected (CC-3).")
    if (
        consent.child_answer == ChildAnswer.REFUSES
        or consent.representative_answer == RepresentativeAnswer.REFUSES
    ):
        return respected
    if consent.child_answer == ChildAnswer.NOT_ASKED:
        return _(
            "Recorded. Consent is not in force yet: the child could not be asked, so a "
            "parent's or guardian's consent is needed."
        )
    if consent.child_age is None:
        return _(
            "Recorded: the child's assent. Consent is not in force yet: the child's age is not "
            "known, so a parent's or guardian's consent is also needed."
        )
    if consent.child_age < settings.HAVEN_CHILD_CONSENT_AGE:
        return _(
            "Recorded: the child's assent. Consent is not in force yet: under %(age)s a "
            "parent's or guardian's consent is also needed."
        ) % {"age": settings.HAVEN_CHILD_CONSENT_AGE}
    return respected


@login_required
def consent_new(request: AuthedRequest, public_id: str) -> HttpResponse:
    case = access_case_for(request.user, public_id, Capability.RECORD_CONSENT)
    form = ConsentForm(
        request.POST or None,
        consent_age=settings.HAVEN_CHILD_CONSENT_AGE,
        initial={
            "language": preferred_language(case.child),
            "explained_by": request.user.get_full_name(),
        },
    )
    if request.method == "POST":
        consent = run_service(
            form,
            lambda: services.consent_record(case=case, actor=request.user, **form.cleaned_data),
        )
        if consent is not None:
            if consent.grants:
                messages.success(request, _("Consent recorded: it is in force."))
            else:
                messages.warning(request, _not_in_force_message(consent))
            return _back(case.public_id, "consent")
    log_read(user=request.user, what="consent.form", case=case)
    return render(
        request,
        "consent/consent_new.html",
        {"case": case, "form": form, "age_note": _consent_age_note(request.user, case)},
        status=400 if form.errors else 200,
    )


def _consent_for(request: AuthedRequest, public_id: str, consent_id: str, capability: str):  # type: ignore[no-untyped-def]
    case = access_case_for(request.user, public_id, capability)
    consents = selectors.consents(case).select_related("case")
    return case, record_for(request.user, case, consents, consent_id)


@require_POST
@login_required
def consent_withdraw(request: AuthedRequest, public_id: str, consent_id: str) -> HttpResponse:
    case, consent = _consent_for(request, public_id, consent_id, Capability.RECORD_CONSENT)
    form = WithdrawForm(request.POST)
    done = run_service(
        form,
        lambda: services.consent_withdraw(consent=consent, actor=request.user, **form.cleaned_data),
    )
    if done is None:
        messages.error(request, _("Not withdrawn: say who withdrew it."))
    else:
        messages.success(
            request,
            _("Withdrawn. From now on it permits nothing: %(purpose)s.")
            % {"purpose": consent.get_purpose_display()},
        )
    return _back(case.public_id, "consent")


@require_POST
@login_required
def consent_override(request: AuthedRequest, public_id: str, consent_id: str) -> HttpResponse:
    case, consent = _consent_for(request, public_id, consent_id, Capability.DECIDE_BEST_INTERESTS)
    form = OverrideForm(request.POST, decisions=determinations(case))
    done = run_service(
        form,
        lambda: services.consent_override(
            consent=consent, actor=request.user, decision=form.cleaned_data["decision"]
        ),
    )
    if done is None:
        errors = [str(e) for errs in form.errors.values() for e in errs]
        messages.error(request, " ".join(errors) or _("Choose a determination."))
    else:
        messages.success(request, _("The refusal is overridden by the determination."))
    return _back(case.public_id, "consent")


@login_required
def information_new(request: AuthedRequest, public_id: str) -> HttpResponse:
    case = access_case_for(request.user, public_id, Capability.INFORM_CHILD)
    form = InformationForm(
        request.POST or None,
        initial={
            "language": preferred_language(case.child),
            "given_by": request.user.get_full_name(),
            "given_at": timezone.localtime().replace(second=0, microsecond=0),
            "formats": ["verbal", "written"],
            "written_copy_left": True,
        },
    )
    if request.method == "POST":
        session = run_service(
            form,
            lambda: services.information_session_record(
                case=case, actor=request.user, **form.cleaned_data
            ),
        )
        if session is not None:
            if session.written_copy_left:
                messages.success(
                    request,
                    _(
                        "The information session is recorded. "
                        "Print the written sheet to leave with the child."
                    ),
                )
                return redirect("protection:information_sheet", case.public_id, session.public_id)
            messages.success(request, _("The information session is recorded."))
            return _back(case.public_id, "information")
    log_read(user=request.user, what="information.form", case=case)
    return render(
        request,
        "consent/information_new.html",
        {"case": case, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def information_sheet(request: AuthedRequest, public_id: str, session_id: str) -> HttpResponse:
    """The written copy of a session for the child to keep (PS-5): choose the language, then
    the PDF downloads."""
    case = access_case_for(request.user, public_id, Capability.INFORM_CHILD)
    session = record_for(request.user, case, selectors.information_sessions(case), session_id)
    session.case = case
    language = sheet_language_for(session.language)
    birth_date = case.child.birth_date
    band = band_for(age_on(birth_date, timezone.localdate()) if birth_date else None)
    closest = language or closest_sheet_language(session.language)
    form = SheetForm(request.POST or None, initial={"language": closest, "band": band})
    if request.method == "POST":
        pdf = run_service(
            form,
            lambda: services.information_sheet(
                session=session, actor=request.user, **form.cleaned_data
            ),
        )
        if pdf is not None:
            response = HttpResponse(pdf, content_type="application/pdf")
            # A neutral file name: no name or reference of the child (DP-13).
            response["Content-Disposition"] = 'attachment; filename="information-sheet.pdf"'
            return response
    log_read(user=request.user, what="information.sheet_view", case=case)
    return render(
        request,
        "consent/information_sheet.html",
        {
            "case": case,
            "session": session,
            "form": form,
            "language_missing": language is None,
            "closest": translation.get_language_info(closest)["name_local"],
            "session_language": dict(languages()).get(session.language, session.language),
        },
        status=400 if form.errors else 200,
    )

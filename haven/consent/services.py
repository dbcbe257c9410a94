"""Every write about consent and information (DESIGN idea 1). One transaction each: check the
actor may act, validate, save, audit, re-evaluate the case's alerts."""

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.models import Agency
from haven.accounts.roles import Capability
from haven.audit.services import record_event
from haven.cases.access import require
from haven.cases.models import Case, CaseAssignment
from haven.cases.services import lock_case
from haven.children.age import age_on
from haven.consent.models import (
    CHECKLIST_KEYS,
    ChildAnswer,
    Consent,
    Format,
    InformationSession,
    Purpose,
    Representative,
    RepresentativeAnswer,
    Topic,
)
from haven.consent.sheets import (
    Band,
    band_for,
    render_sheet_html,
    sheet_language_for,
)
from haven.core.codes import validate_language
from haven.core.forms import validate_event_date, validate_event_time
from haven.core.pdf import render_pdf
from haven.decisions.models import Decision
from haven.decisions.services import check_determination
from haven.safeguards.engine import reevaluate


def _choices(values: Iterable[str], allowed: Iterable[str], field: str, message: str) -> list[str]:
    allowed = list(allowed)
    given = set(values)
    clean = [v for v in allowed if v in given]  # in the catalogue's order, no repeats
    unknown = given - set(allowed)
    if unknown:
        raise ValidationError({field: _("Choose from the list.")})
    if not clean:
        raise ValidationError({field: message})
    return clean


def _validate_language(code: str, field: str) -> None:
    try:
        validate_language(code)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc


def grants_consent(
    *, child_answer: str, child_age: int | None, representative: str, representative_answer: str
) -> bool:
    """Whether a conversation's answers permit the measure (CC-3, DP-5).

    A refusal by the child or the representative is respected. From HAVEN_CHILD_CONSENT_AGE the
    child's own consent suffices; a younger child (or one whose age is not known) gives assent
    and a parent, guardian or legal representative consents too. A child who could not be asked
    (a baby, a child who cannot communicate it) needs the representative's consent."""
    if child_answer == ChildAnswer.REFUSES or representative_answer == RepresentativeAnswer.REFUSES:
        return False
    representative_consents = (
        representative != Representative.NONE
        and representative_answer == RepresentativeAnswer.CONSENTS
    )
    if child_answer == ChildAnswer.NOT_ASKED:
        return representative_consents
    old_enough = child_age is not None and child_age >= settings.HAVEN_CHILD_CONSENT_AGE
    return old_enough or representative_consents


@transaction.atomic
def consent_record(
    *,
    case: Case,
    actor: Any,
    purpose: str,
    given_on: date,
    language: str,
    formats: Iterable[str],
    explained_by: str,
    checklist: Iterable[str],
    child_answer: str,
    purpose_detail: str = "",
    scope: str = "",
    recipients: str = "",
    recipient_agencies: Iterable[Agency] = (),
    expires_on: date | None = None,
    child_not_asked_reason: str = "",
    representative: str = Representative.NONE,
    representative_name: str = "",
    representative_answer: str = "",
    notes: str = "",
) -> Consent:
    """Record a consent conversation for one purpose (CC-3, PS-4, DP-5, DP-6): the child's
    consent or assent, a representative's consent where needed, and what was explained. A
    refusal is recorded like a consent, and respected. A consent to share information names
    whom it covers: Haven agencies (`recipient_agencies`, the only ones a referral is compared
    with) and, as text, anyone outside Haven (`recipients`)."""
    require(actor, Capability.RECORD_CONSENT, case)
    lock_case(case)
    errors: dict[str, Any] = {}
    agencies = _recipient_agencies(purpose, recipient_agencies, recipients, errors)
    covered = set(checklist)
    missing = [key for key in CHECKLIST_KEYS if key not in covered]
    if missing:
        errors["checklist"] = _(
            "Go through every point with the child before recording consent (DP-6). "
            "Still to explain: %(n)d of %(total)d."
        ) % {"n": len(missing), "total": len(CHECKLIST_KEYS)}
    if purpose == Purpose.OTHER and not purpose_detail.strip():
        errors["purpose_detail"] = _("Say what the consent is for.")
    if (
        purpose == Purpose.INFORMATION_SHARING
        and not agencies
        and not recipients.strip()
        and "recipient_agencies" not in errors
    ):
        errors["recipients"] = _(
            "Say who will receive the information (DP-5): choose the Haven agencies, or write "
            "who outside Haven."
        )
    if expires_on and given_on and expires_on < given_on:
        errors["expires_on"] = _("The consent cannot end before the date it was given.")
    if child_answer == ChildAnswer.NOT_ASKED and len(child_not_asked_reason.strip()) < 5:
        errors["child_not_asked_reason"] = _("Say why the child could not be asked.")
    if representative != Representative.NONE:
        if not representative_answer:
            errors["representative_answer"] = _("Record the representative's answer.")
        if not representative_name.strip():
            errors["representative_name"] = _("Write the representative's name.")
    elif representative_answer:
        errors["representative"] = _("Say who the representative is.")
    if not explained_by.strip():
        errors["explained_by"] = _("Say who explained it.")
    if errors:
        raise ValidationError(errors)
    validate_event_date(given_on, "given_on")
    _validate_language(language, "language")
    clean_formats = _choices(
        formats, Format.values, "formats", _("Say how it was explained to the child.")
    )
    birth_date = case.child.birth_date
    if birth_date and given_on < birth_date:
        raise ValidationError({"given_on": _("Check the date: it is before the child's birth.")})
    child_age = age_on(birth_date, given_on) if birth_date else None
    consent = Consent(
        case=case,
        purpose=purpose,
        purpose_detail=purpose_detail.strip(),
        scope=scope.strip(),
        recipients=recipients.strip(),
        given_on=given_on,
        expires_on=expires_on,
        language=language,
        formats=clean_formats,
        explained_by=explained_by.strip(),
        checklist=list(CHECKLIST_KEYS),
        child_answer=child_answer,
        child_not_asked_reason=child_not_asked_reason.strip(),
        child_age=child_age,
        representative=representative,
        representative_name=representative_name.strip(),
        representative_answer=representative_answer,
        grants=grants_consent(
            child_answer=child_answer,
            child_age=child_age,
            representative=representative,
            representative_answer=representative_answer,
        ),
        notes=notes.strip(),
        recorded_by=actor,
        created_by=actor,
        updated_by=actor,
    )
    consent.full_clean(exclude=["case", "recorded_by", "override_decision"])
    consent.save()
    consent.recipient_agencies.set(agencies)
    changes: dict[str, Any] = {
        "purpose": [None, purpose],
        "child_answer": [None, child_answer],
        "representative_answer": [None, representative_answer],
        "grants": [None, consent.grants],
    }
    if agencies:
        changes["recipient_agencies"] = [None, [str(a.public_id) for a in agencies]]
    record_event(actor=actor, action="consent.record", obj=consent, case=case, changes=changes)
    reevaluate(case, Consent)
    return consent


def _recipient_agencies(
    purpose: str, chosen: Iterable[Agency], recipients: str, errors: dict[str, Any]
) -> list[Agency]:
    """The Haven agencies a consent to share covers (DP-5), each once, in name order. Adds to
    `errors` when agencies are named for another purpose, when one is not a Haven agency, or
    when the text for those outside Haven is the name of a Haven agency not chosen (the text
    would never authorise a referral to it: it must be chosen from the list)."""
    given = {agency.pk: agency for agency in chosen}
    if given and purpose != Purpose.INFORMATION_SHARING:
        errors["recipient_agencies"] = _(
            "Agencies are named only on a consent to share information with another agency."
        )
        return []
    known = sorted(
        Agency.objects.filter(pk__in=[pk for pk in given if pk is not None]),
        key=lambda agency: agency.name,
    )
    if len(known) != len(given):
        errors["recipient_agencies"] = _("Choose agencies from Haven's list.")
        return []
    text = recipients.strip()
    if purpose == Purpose.INFORMATION_SHARING and text:
        inside = Agency.objects.filter(name__iexact=text).exclude(pk__in=given).first()
        if inside is not None:
            errors["recipients"] = _(
                "%(agency)s is in Haven: choose it among the agencies instead (DP-5)."
            ) % {"agency": inside.name}
    return known


@transaction.atomic
def consent_withdraw(
    *, consent: Consent, actor: Any, withdrawn_by: str, reason: str = ""
) -> Consent:
    """Withdraw a consent (CC-3, DP-5): from now on it permits nothing. Care under way that
    needed it raises a PS-4 alert until it stops or consent is given again."""
    require(actor, Capability.RECORD_CONSENT, consent.case)
    lock_case(consent.case)
    consent = (
        Consent.objects.select_for_update(of=("self",)).select_related("case").get(pk=consent.pk)
    )
    if consent.withdrawn_at:
        raise ValidationError(_("This consent was already withdrawn."))
    if not (consent.grants or consent.override_decision_id):
        raise ValidationError(
            _("Only a consent that was given can be withdrawn; a refusal stands as it is.")
        )
    if not withdrawn_by.strip():
        raise ValidationError({"withdrawn_by": _("Say who withdrew it.")})
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = withdrawn_by.strip()[:200]
    consent.withdrawal_reason = reason.strip()
    consent.updated_by = actor
    consent.save(
        update_fields=[
            "withdrawn_at",
            "withdrawn_by",
            "withdrawal_reason",
            "updated_by",
            "updated_at",
        ]
    )
    record_event(
        actor=actor,
        action="consent.withdraw",
        obj=consent,
        case=consent.case,
        changes={"withdrawn": [False, True]},
    )
    reevaluate(consent.case, Consent)
    return consent


S = Decision.Subject
# The determination that may override a refusal is about exactly that measure (CC-3, PS-4). A
# refusal of research is never overridden: it serves no protection of this child.
OVERRIDE_SUBJECTS: dict[str, tuple[str, ...]] = {
    Purpose.MEDICAL_EXAMINATION: (S.MEDICAL_WITHOUT_CONSENT,),
    Purpose.MEDICAL_TESTING: (S.MEDICAL_WITHOUT_CONSENT,),
    Purpose.MEDICAL_TREATMENT: (S.MEDICAL_WITHOUT_CONSENT,),
    Purpose.PSYCHOLOGICAL_SUPPORT: (S.PSYCHOLOGICAL_WITHOUT_CONSENT,),
    Purpose.INTERVIEW: (S.INTERVIEW_WITHOUT_CONSENT,),
    Purpose.LEGAL_PARTICIPATION: (S.LEGAL_PARTICIPATION,),
    Purpose.INFORMATION_SHARING: (S.SHARING_WITHOUT_CONSENT,),
    Purpose.RESEARCH: (),
    Purpose.OTHER: (S.OTHER,),
}


@transaction.atomic
def consent_override(*, consent: Consent, actor: Any, decision: Any) -> Consent:
    """Override a refusal with a documented best-interests determination (CC-3, PS-4): never
    with a note or an assessment, only with a BID taken on the same case, which for medical care
    must be a determination about medical care without consent."""
    require(actor, Capability.DECIDE_BEST_INTERESTS, consent.case)
    lock_case(consent.case)
    consent = (
        Consent.objects.select_for_update(of=("self",)).select_related("case").get(pk=consent.pk)
    )
    if consent.withdrawn_at or consent.grants or consent.override_decision_id:
        raise ValidationError(_("Only a refusal that stands can be overridden."))
    if not OVERRIDE_SUBJECTS[consent.purpose]:
        raise ValidationError(_("A refusal to take part in research is never overridden."))
    check_determination(consent.case_id, decision, subjects=OVERRIDE_SUBJECTS[consent.purpose])
    consent.override_decision = decision
    consent.updated_by = actor
    consent.save(update_fields=["override_decision", "updated_by", "updated_at"])
    record_event(
        actor=actor,
        action="consent.override",
        obj=consent,
        case=consent.case,
        changes={"override_decision": [None, str(decision.public_id)]},
    )
    reevaluate(consent.case, Consent)
    return consent


@transaction.atomic
def information_session_record(
    *,
    case: Case,
    actor: Any,
    given_at: datetime,
    topics: Iterable[str],
    language: str,
    formats: Iterable[str],
    given_by: str,
    written_copy_left: bool,
    interpreter: str = "",
    child_questions: str = "",
) -> InformationSession:
    """Log information given to the child (PS-5): topics, language, how, by whom, the child's
    questions, and whether a written copy was left so the child can read it again."""
    require(actor, Capability.INFORM_CHILD, case)
    lock_case(case)
    if not given_by.strip():
        raise ValidationError({"given_by": _("Say who gave the information.")})
    validate_event_time(given_at, "given_at")
    clean_topics = _choices(topics, Topic.values, "topics", _("Tick what was explained."))
    clean_formats = _choices(
        formats, Format.values, "formats", _("Say how the information was given.")
    )
    if written_copy_left and Format.WRITTEN not in clean_formats:
        clean_formats.append(Format.WRITTEN)
    _validate_language(language, "language")
    session = InformationSession(
        case=case,
        given_at=given_at,
        topics=clean_topics,
        language=language,
        formats=clean_formats,
        given_by=given_by.strip(),
        interpreter=interpreter.strip(),
        child_questions=child_questions.strip(),
        written_copy_left=written_copy_left,
        stage=Case.objects.values_list("stage", flat=True).get(pk=case.pk),
        covers_rights=Topic.RIGHTS in clean_topics,
        created_by=actor,
        updated_by=actor,
    )
    session.full_clean(exclude=["case"])
    session.save()
    record_event(
        actor=actor,
        action="information.record",
        obj=session,
        case=case,
        changes={"topics": [None, clean_topics], "written_copy_left": [None, written_copy_left]},
    )
    reevaluate(case, InformationSession)
    return session


def information_sheet(
    *,
    session: InformationSession,
    actor: Any,
    language: str,
    include_contacts: bool,
    band: str = "",
) -> bytes:
    """The written copy of a session for the child to keep (PS-5: "verbally and in writing, so
    they can refer back"), as a PDF in `language`. Printing it is audited: a document about the
    child leaves the system. The PDF is made first, so a sheet that could not be made is not
    recorded as printed."""
    case = session.case
    require(actor, Capability.INFORM_CHILD, case)
    if sheet_language_for(language) is None:
        raise ValidationError(
            {"language": _("Haven has no sheet in this language: choose one from the list.")}
        )
    if not band:
        # Written for the child's (presumed) age unless the worker chose for their maturity.
        birth_date = case.child.birth_date
        band = band_for(age_on(birth_date, timezone.localdate()) if birth_date else None)
    if band not in Band.values:
        raise ValidationError({"band": _("Choose the age the sheet is written for.")})
    case_worker = (
        CaseAssignment.objects.current()
        .filter(case=case, role="case_worker")
        .select_related("user")
        .first()
    )
    html = render_sheet_html(
        session=session,
        language=language,
        include_contacts=include_contacts,
        case_worker=case_worker.user if case_worker else None,
        printed_on=timezone.localdate(),
        band=band,
    )
    pdf = render_pdf(html)
    with transaction.atomic():
        record_event(
            actor=actor,
            action="information.sheet",
            obj=session,
            case=case,
            changes={
                "language": [None, language],
                "band": [None, band],
                "include_contacts": [None, include_contacts],
            },
        )
    return pdf

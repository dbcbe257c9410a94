"""Every write about the directory and referrals (DESIGN idea 1; CC-15, DP-2, DP-5, DP-9, DP-16).

One transaction each: check the actor may act, validate, save, audit. Referrals lock the case
first, like every service that writes about a case. Nothing here looks at a child's nationality
(CC-4) or at cooperation with the authorities (CC-8)."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.models import Agency
from haven.accounts.roles import REFERRAL_RECIPIENT, Capability
from haven.audit.services import record_event
from haven.cases.access import agencies_where, forget_roles, require
from haven.cases.models import Case, CaseAssignment
from haven.cases.services import end_assignment, lock_case
from haven.children.age import age_on
from haven.children.models import Gender
from haven.consent.models import Consent, Purpose
from haven.core.codes import validate_country, validate_language
from haven.core.sensitivity import Sensitivity
from haven.core.versions import check_version
from haven.directory import rules
from haven.directory.models import (
    OFFER_FIELDS,
    AgeBand,
    DeclineReason,
    LegalBasis,
    Referral,
    ReferralEndReason,
    ReferralStatus,
    ServiceOffer,
    SharingAssessment,
)
from haven.directory.selectors import child_languages, offer_misfits
from haven.identification.codes import Exploitation
from haven.protection.models import ServiceType
from haven.safeguards.ending import ends_help
from haven.safeguards.engine import reevaluate

MAX_AGE = 25  # a service for care leavers may go past 18 (RR-8)


# --- the directory (CC-15) ----------------------------------------------------------------


def _require_manager(actor: Any, agency: Agency) -> None:
    require(actor, Capability.MANAGE_DIRECTORY)
    if agency.pk not in {a.pk for a in agencies_where(actor, Capability.MANAGE_DIRECTORY)}:
        raise PermissionDenied(_("You are not allowed to do this."))


def _codes(values: Iterable[str], allowed: Iterable[str], field: str) -> list[str]:
    allowed = list(allowed)
    given = set(values)
    if given - set(allowed):
        raise ValidationError({field: _("Choose from the list.")})
    return [v for v in allowed if v in given]


def _languages(values: Iterable[str]) -> list[str]:
    clean: list[str] = []
    for code in values:
        try:
            validate_language(code)
        except ValidationError as exc:
            raise ValidationError({"languages": exc.messages}) from exc
        if code not in clean:
            clean.append(code)
    return clean


def _clean_offer(fields: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    if fields["service_type"] not in ServiceType.values:
        errors["service_type"] = _("Choose a type of service.")
    if not fields["name"].strip():
        errors["name"] = _("Give the service a name.")
    for key in ("min_age", "max_age"):
        value = fields[key]
        if value is not None and not 0 <= value <= MAX_AGE:
            errors[key] = _("Give an age between 0 and %(max)d.") % {"max": MAX_AGE}
    low, high = fields["min_age"], fields["max_age"]
    if low is not None and high is not None and low > high and "max_age" not in errors:
        errors["max_age"] = _("The upper age cannot be below the lower age.")
    try:
        validate_country(fields["country"])
    except ValidationError as exc:
        errors["country"] = exc.messages
    if errors:
        raise ValidationError(errors)
    return {
        **fields,
        "name": fields["name"].strip(),
        "description": fields["description"].strip(),
        "area": fields["area"].strip(),
        "contact": fields["contact"].strip(),
        "genders": _codes(fields["genders"], Gender.values, "genders"),
        "forms": _codes(fields["forms"], Exploitation.values, "forms"),
        "languages": _languages(fields["languages"]),
    }


@transaction.atomic
def offer_create(
    *,
    actor: Any,
    agency: Agency,
    service_type: str,
    name: str,
    country: str,
    description: str = "",
    min_age: int | None = None,
    max_age: int | None = None,
    genders: Iterable[str] = (),
    forms: Iterable[str] = (),
    languages: Iterable[str] = (),
    area: str = "",
    contact: str = "",
) -> ServiceOffer:
    """List a service of the actor's agency in the directory (CC-15)."""
    _require_manager(actor, agency)
    clean = _clean_offer(
        {
            "service_type": service_type,
            "name": name,
            "description": description,
            "min_age": min_age,
            "max_age": max_age,
            "genders": genders,
            "forms": forms,
            "languages": languages,
            "area": area,
            "country": country,
            "contact": contact,
        }
    )
    offer = ServiceOffer.objects.create(agency=agency, created_by=actor, updated_by=actor, **clean)
    record_event(
        actor=actor,
        action="offer.create",
        obj=offer,
        changes={"service_type": [None, offer.service_type], "name": [None, offer.name]},
    )
    return offer


@transaction.atomic
def offer_update(
    *, offer: ServiceOffer, actor: Any, expected_version: str | None = None, **fields: Any
) -> ServiceOffer:
    """Change an offer of the actor's agency; `is_active` False takes it off the directory.
    Refused when someone else saved the offer after the version the person opened
    (`expected_version`, lost updates)."""
    _require_manager(actor, offer.agency)
    offer = ServiceOffer.objects.select_for_update().get(pk=offer.pk)
    check_version(offer, expected_version)
    unknown = set(fields) - set(OFFER_FIELDS) - {"is_active"}
    if unknown:
        raise ValidationError(_("Unknown fields: %(names)s.") % {"names": ", ".join(unknown)})
    current = {key: getattr(offer, key) for key in OFFER_FIELDS}
    clean = _clean_offer({**current, **{k: v for k, v in fields.items() if k != "is_active"}})
    if "is_active" in fields:
        clean["is_active"] = bool(fields["is_active"])
    changes = {
        key: [getattr(offer, key), value]
        for key, value in clean.items()
        if getattr(offer, key) != value
    }
    for key, value in clean.items():
        setattr(offer, key, value)
    offer.updated_by = actor
    offer.save()
    record_event(actor=actor, action="offer.update", obj=offer, changes=changes)
    return offer


def offer_deactivate(*, offer: ServiceOffer, actor: Any) -> ServiceOffer:
    """Take an offer off the directory; referrals already made keep it (CC-15)."""
    return offer_update(offer=offer, actor=actor, is_active=False)


# --- data-sharing assessments (DP-16) -------------------------------------------------------


@transaction.atomic
def sharing_assessment_record(
    *,
    actor: Any,
    from_agency: Agency,
    to_agency: Agency,
    risks: str,
    safeguards: str,
    approved: bool,
) -> SharingAssessment:
    """Record the risk assessment for sharing children's data with another agency (DP-16). The
    latest assessment for the pair decides: a later refusal stops further referrals."""
    _require_manager(actor, from_agency)
    errors: dict[str, Any] = {}
    if from_agency.pk == to_agency.pk:
        errors["to_agency"] = _("Choose another agency.")
    if len(risks.strip()) < 10:
        errors["risks"] = _("Describe the risks of sharing children's data with this agency.")
    if len(safeguards.strip()) < 10:
        errors["safeguards"] = _("Describe the safeguards that reduce those risks.")
    if errors:
        raise ValidationError(errors)
    assessment = SharingAssessment.objects.create(
        from_agency=from_agency,
        to_agency=to_agency,
        risks=risks.strip(),
        safeguards=safeguards.strip(),
        approved=bool(approved),
        decided_by=actor,
        decided_at=timezone.now(),
        created_by=actor,
        updated_by=actor,
    )
    record_event(
        actor=actor,
        action="sharing_assessment.record",
        obj=assessment,
        changes={"to_agency": [None, str(to_agency.public_id)], "approved": [None, approved]},
    )
    return assessment


def sharing_approved(from_agency_id: int, to_agency_id: int) -> bool:
    """Whether the latest data-sharing assessment for the pair approves sharing (DP-16)."""
    latest = (
        SharingAssessment.objects.filter(from_agency_id=from_agency_id, to_agency_id=to_agency_id)
        .order_by("-decided_at", "-pk")
        .values_list("approved", flat=True)
        .first()
    )
    return bool(latest)


# --- referrals (CC-15, DP-2, DP-5, DP-9) ----------------------------------------------------


def age_band(birth_date: date | None, today: date | None = None) -> str:
    if birth_date is None:
        return AgeBand.UNKNOWN
    age = age_on(birth_date, today or timezone.localdate())
    if age < 6:
        return AgeBand.UNDER_6
    if age < 12:
        return AgeBand.CHILD
    if age < 15:
        return AgeBand.YOUNG_TEEN
    if age < 18:
        return AgeBand.OLDER_TEEN
    return AgeBand.ADULT_AGE


def agreed_data_points(values: Iterable[str]) -> list[str]:
    given = set(values) | {Sensitivity.BASIC}
    if given - set(Sensitivity.values):
        raise ValidationError({"data_points": _("Choose from the list.")})
    return [v for v in Sensitivity.values if v in given]


def _consent_names(consent: Consent, agency_id: int) -> bool:
    """Whether a consent to share names this Haven agency among those it covers (DP-5). The
    text for recipients outside Haven is never compared."""
    return consent.recipient_agencies.filter(pk=agency_id).exists()


def require_sharing_basis(
    case: Case, consent: Consent | None, legal_basis: str, justification: str, to_agency: Agency
) -> None:
    """DP-5: a consent to share information in force on this case that names the receiving
    agency, or a justified legal basis. Refused otherwise."""
    if consent is not None:
        in_force = (
            Consent.objects.in_force()
            .filter(pk=consent.pk, case=case, purpose=Purpose.INFORMATION_SHARING)
            .exists()
        )
        rules.CONSENT_NOT_IN_FORCE.check(in_force=in_force)
        names = _consent_names(consent, to_agency.pk)
        rules.CONSENT_NOT_FOR_RECIPIENT.check(
            names_recipient=names,
            agency=to_agency,
            covers="" if names else consent.recipients_label,
        )
        if legal_basis:
            raise ValidationError(
                {"legal_basis": _("Choose either the consent or a legal basis, not both.")}
            )
        return
    rules.NO_SHARING_BASIS.check(consent=consent, legal_basis=legal_basis)
    if legal_basis not in LegalBasis.values:
        raise ValidationError({"legal_basis": _("Choose from the list.")})
    if len(justification.strip()) < 10:
        raise ValidationError(
            {"legal_basis_justification": _("Say why sharing cannot wait for consent (DP-5).")}
        )


@transaction.atomic
def referral_send(
    *,
    case: Case,
    actor: Any,
    reason: str,
    data_points: Iterable[str] = (),
    offer: ServiceOffer | None = None,
    to_agency: Agency | None = None,
    service_type: str = "",
    urgent: bool = False,
    consent: Consent | None = None,
    legal_basis: str = "",
    legal_basis_justification: str = "",
) -> Referral:
    """Refer the child to another agency's service (CC-15). The service's target group must fit
    the child (age, gender, language: `offer_misfits`, the page's test too); only the classes
    ticked are shared once accepted, basic case facts always (DP-9); a consent in force or a
    justified legal basis is needed (DP-5), and an approved data-sharing assessment with that
    agency (DP-16). The consent must name the receiving agency (DP-5, "to whom")."""
    require(actor, Capability.REFER, case)
    lock_case(case)
    child = case.child
    languages = child_languages(child)
    if offer is not None:
        if not offer.is_active:
            raise ValidationError({"offer": _("This service no longer takes referrals.")})
        # The same test as the page's list of services (CC-15, CC-11): no API call refers a
        # child to a service whose target group they are not in.
        misfits = offer_misfits(offer, child, timezone.localdate(), languages=languages)
        if misfits:
            raise ValidationError({"offer": list(misfits.values())})
        to_agency = offer.agency
        service_type = offer.service_type
    if to_agency is None:
        raise ValidationError({"offer": _("Choose a service from the directory, or an agency.")})
    if to_agency.pk == case.lead_agency_id:
        raise ValidationError(
            {"offer": _("The case is already with this agency: refer to another agency.")}
        )
    errors: dict[str, Any] = {}
    if service_type not in ServiceType.values:
        errors["service_type"] = _("Choose a type of service.")
    if not reason.strip():
        errors["reason"] = _("Say what the child needs from this service.")
    if errors:
        raise ValidationError(errors)
    points = agreed_data_points(data_points)
    require_sharing_basis(case, consent, legal_basis, legal_basis_justification, to_agency)
    rules.SHARING_NOT_ASSESSED.check(
        approved=sharing_approved(case.lead_agency_id, to_agency.pk),
        from_agency=case.lead_agency,
        to_agency=to_agency,
    )
    referral = Referral.objects.create(
        case=case,
        from_agency_id=case.lead_agency_id,
        to_agency=to_agency,
        offer=offer,
        service_type=service_type,
        reason=reason.strip(),
        urgent=bool(urgent),
        data_points=points,
        age_band=age_band(child.birth_date),
        gender=child.gender,
        languages=languages,
        consent=consent,
        legal_basis=legal_basis if consent is None else "",
        legal_basis_justification=legal_basis_justification.strip() if consent is None else "",
        sent_by=actor,
        sent_at=timezone.now(),
        created_by=actor,
        updated_by=actor,
    )
    record_event(
        actor=actor,
        action="referral.send",
        obj=referral,
        case=case,
        changes={
            "to_agency": [None, str(to_agency.public_id)],
            "service_type": [None, service_type],
            "data_points": [None, points],
            "basis": [None, legal_basis or "consent"],
            "reason": [None, "[changed]"],
        },
    )
    reevaluate(case, Referral)
    return referral


def _locked(referral: Referral) -> Referral:
    lock_case(referral.case)
    return (
        Referral.objects.select_for_update(of=("self",))
        .select_related("case", "to_agency", "from_agency", "consent", "assignment")
        .get(pk=referral.pk)
    )


def _require_recipient(actor: Any, referral: Referral) -> None:
    require(actor, Capability.RESPOND_REFERRAL)
    agencies = {a.pk for a in agencies_where(actor, Capability.RESPOND_REFERRAL)}
    if referral.to_agency_id not in agencies:
        raise PermissionDenied(_("You are not allowed to do this."))


@transaction.atomic
def referral_accept(*, referral: Referral, actor: Any) -> Referral:
    """Accept a referral to one's agency (CC-15): the accepting person gets a referral-recipient
    assignment, which lets them open the case and read only the agreed classes (DP-2, DP-9),
    and only while the sharing basis holds (DP-5): a legal basis, or a consent in force that
    names the accepting agency (a referral sent before consents named agencies may not)."""
    _require_recipient(actor, referral)
    referral = _locked(referral)
    referral.check_transition(ReferralStatus.ACCEPTED)
    rules.BASIS_LAPSED.check(in_force=referral.sharing_in_force())
    if not referral.legal_basis and referral.consent is not None:
        rules.ACCEPTING_AGENCY_NOT_NAMED.check(
            names_recipient=_consent_names(referral.consent, referral.to_agency_id)
        )
    case = referral.case
    now = timezone.now()
    # A person who already holds a recipient's assignment on the case from an earlier referral
    # keeps one: this referral's agreed data points replace the earlier ones.
    for earlier in CaseAssignment.objects.filter(
        case=case, user=actor, role=REFERRAL_RECIPIENT, ended_at__isnull=True
    ):
        end_assignment(assignment=earlier, actor=actor, at=now)
    forget_roles(case)
    assignment = CaseAssignment.objects.create(
        case=case,
        user=actor,
        agency=referral.to_agency,
        role=REFERRAL_RECIPIENT,
        started_at=now,
        created_by=actor,
        updated_by=actor,
    )
    record_event(
        actor=actor,
        action="assignment.start",
        obj=assignment,
        case=case,
        changes={"user": [None, str(actor.public_id)], "role": [None, REFERRAL_RECIPIENT]},
    )
    referral.set_status(
        ReferralStatus.ACCEPTED,
        actor=actor,
        action="referral.accept",
        case=case,
        fields={
            "responded_by": actor,
            "responded_at": now,
            "accepted_by": actor,
            "assignment": assignment,
        },
    )
    reevaluate(case, CaseAssignment, Referral)
    return referral


@ends_help(reasons=DeclineReason)
@transaction.atomic
def referral_decline(
    *, referral: Referral, actor: Any, reason: str, reason_code: str = ""
) -> Referral:
    """Decline a referral to one's agency, saying why, so the referring agency can look for
    another service and no child falls between agencies (CC-15)."""
    _require_recipient(actor, referral)
    referral = _locked(referral)
    referral.check_transition(ReferralStatus.DECLINED)
    if len(reason.strip()) < 5:
        raise ValidationError({"reason": _("Say why the referral is declined.")})
    referral.set_status(
        ReferralStatus.DECLINED,
        actor=actor,
        action="referral.decline",
        case=referral.case,
        fields={
            "responded_by": actor,
            "responded_at": timezone.now(),
            "decline_reason": reason.strip(),
            "reason_code": reason_code,
        },
        changes={"reason_code": [None, reason_code], "reason": [None, "[changed]"]},
    )
    reevaluate(referral.case, Referral)
    return referral


def _finish(
    referral: Referral, actor: Any, to: str, action: str, *, code: str, reason: str
) -> Referral:
    referral.check_transition(to)
    now = timezone.now()
    if referral.assignment is not None and referral.assignment.ended_at is None:
        end_assignment(assignment=referral.assignment, actor=actor, at=now)
    referral.set_status(
        to,
        actor=actor,
        action=action,
        case=referral.case,
        fields={
            "ended_at": now,
            "ended_by": actor,
            "reason_code": code,
            "end_reason": reason.strip(),
        },
        changes={"reason_code": [None, code]},
    )
    reevaluate(referral.case, CaseAssignment, Referral)
    return referral


@ends_help(reasons=ReferralEndReason)
@transaction.atomic
def referral_withdraw(
    *, referral: Referral, actor: Any, reason_code: str = "", reason: str = ""
) -> Referral:
    """The referring side withdraws a referral, saying why from the closed list (CC-8); the
    recipient's access, if any, ends (DP-2)."""
    require(actor, Capability.REFER, referral.case)
    return _finish(
        _locked(referral),
        actor,
        ReferralStatus.WITHDRAWN,
        "referral.withdraw",
        code=reason_code,
        reason=reason,
    )


@ends_help(reasons=ReferralEndReason)
@transaction.atomic
def referral_close(
    *, referral: Referral, actor: Any, reason_code: str = "", reason: str = ""
) -> Referral:
    """Close an accepted referral, saying why from the closed list (CC-8); the recipient's
    access ends."""
    require(actor, Capability.REFER, referral.case)
    return _finish(
        _locked(referral),
        actor,
        ReferralStatus.CLOSED,
        "referral.close",
        code=reason_code,
        reason=reason,
    )

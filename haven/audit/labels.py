"""How audit action codes read on a case's timeline. Codes are namespaced by what they touch.

The detail line is built only from coded values in the event (stages, roles, kinds), never from
free text, which the audit trail does not hold."""

from typing import Any

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "child.register": _("Child registered"),
    "child.update": _("Child's record updated"),
    "child.age_assessment": _("Age assessment recorded"),
    "case.open": _("Case opened"),
    "case.stage": _("Stage changed"),
    "assignment.start": _("Person assigned to the case"),
    "assignment.end": _("Assignment ended"),
    "interview.record": _("Interview recorded"),
    "note.add": _("Note added"),
    "alert.resolve": _("Alert resolved"),
    "screening.record": _("Screening recorded"),
    "first_step.create": _("First step added to the checklist"),
    "first_step.close": _("First step recorded"),
    "first_step.measure": _("Referral now part of the first steps"),
    "case.status": _("Victim status recorded"),
    "consent.record": _("Consent or refusal recorded"),
    "consent.withdraw": _("Consent withdrawn"),
    "consent.override": _("Refusal overridden by a determination"),
    "information.record": _("Information given to the child"),
    "information.sheet": _("Written information sheet printed for the child"),
    "decision.record": _("Best-interests decision recorded"),
    "guardian.appoint": _("Guardian appointed"),
    "guardian.end": _("Guardianship ended"),
    "needs.record": _("Needs and strengths assessed"),
    "service.record": _("Service recorded"),
    "service.update": _("Service updated"),
    "placement.record": _("Placement recorded"),
    "placement.end": _("Placement ended"),
    "placement.decision": _("Determination linked to the placement"),
    "placement.review": _("Placement reviewed"),
    "restriction.record": _("Restriction recorded"),
    "restriction.review": _("Restriction reviewed"),
    "family_contact.record": _("Family contact recorded"),
    "charge.record": _("Charge against the child recorded"),
    "charge.update": _("Charge updated"),
    "liberty_challenge.record": _("Challenge to detention lodged"),
    "liberty_challenge.decide": _("Decision on the challenge recorded"),
    # Children's feedback, complaints and concerns, and the kiosk (haven.voice: CC-12, CC-13).
    "kiosk.open": _("Children's kiosk opened"),
    "kiosk.close": _("Children's kiosk closed"),
    "feedback.submit": _("Child's feedback left at the kiosk"),
    "feedback.record": _("Child's feedback recorded"),
    "feedback.read": _("Child's feedback read"),
    "feedback.acknowledge": _("Child's feedback acknowledged"),
    "feedback.resolve": _("Child's feedback resolved"),
    # Service directory and referrals (haven.directory: CC-15, DP-5, DP-9, DP-16).
    "offer.create": _("Service added to the directory"),
    "offer.update": _("Service in the directory updated"),
    "sharing_assessment.record": _("Data-sharing assessment recorded"),
    "referral.send": _("Referral sent"),
    "referral.accept": _("Referral accepted"),
    "referral.decline": _("Referral declined"),
    "referral.withdraw": _("Referral withdrawn"),
    "referral.close": _("Referral closed"),
    # Releases of statistics outside the system (haven.reports: DP-10, DP-12, DP-16).
    "release.request": _("Release of statistics requested"),
    "release.authorise": _("Release of statistics authorised"),
    "release.download": _("Release of statistics downloaded"),
}


def label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def detail(action: str, changes: dict[str, Any]) -> str:
    from haven.cases.models import AssignmentRole, Case, Interview

    def after(field: str) -> Any:
        pair = changes.get(field)
        return pair[1] if pair else None

    if action == "case.stage" and "stage" in changes:
        before, now = changes["stage"]
        names = dict(Case.Stage.choices)
        return f"{names.get(before, before)} → {names.get(now, now)}"
    if action == "assignment.start" and after("role"):
        return str(dict(AssignmentRole.choices).get(after("role"), after("role")))
    if action == "interview.record" and after("kind"):
        return str(dict(Interview.Kind.choices).get(after("kind"), after("kind")))
    if action == "consent.record" and after("purpose"):
        from haven.consent.models import Purpose

        return str(dict(Purpose.choices).get(after("purpose"), after("purpose")))
    if action == "decision.record" and after("kind"):
        from haven.protection.models import Decision

        return str(dict(Decision.Kind.choices).get(after("kind"), after("kind")))
    if action == "placement.record" and after("type"):
        from haven.protection.models import PlacementType

        return str(dict(PlacementType.choices).get(after("type"), after("type")))
    if action == "referral.send" and after("service_type"):
        from haven.protection.models import ServiceType

        return str(dict(ServiceType.choices).get(after("service_type"), after("service_type")))
    if action == "child.update":
        return ", ".join(_field_name(name) for name in sorted(changes))
    return ""


def _field_name(name: str) -> str:
    from django.core.exceptions import FieldDoesNotExist

    from haven.children.models import Child

    extra = {
        "nationalities": _("nationality"),
        "languages": _("languages"),
        "aliases": _("other names"),
    }
    if name in extra:
        return str(extra[name])
    try:
        return str(Child._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
    except FieldDoesNotExist:
        return name

"""The timeline's words for recovery and reintegration (registered at ReintegrationConfig.ready()).
Every entry is about the child's family and care: a reader without that class does not see it."""

from django.utils.translation import gettext_lazy as _

from haven.audit.labels import coded, register
from haven.core.sensitivity import Sensitivity
from haven.reintegration.models import Level, PathwayKind, PlanKind, Relationship

LABELS = {
    "reintegration.family_member_record": _("Family member recorded"),
    "reintegration.family_member_update": _("Family member updated"),
    "reintegration.family_assessment_record": _("Family assessed"),
    "reintegration.pathway_decide": _("Pathway decided"),
    "reintegration.pathway_carried_out": _("Pathway carried out"),
    "reintegration.safety_plan_record": _("Safety plan agreed"),
    "reintegration.plan_record": _("Plan agreed"),
    "reintegration.plan_service_add": _("Service added to the plan"),
    "reintegration.plan_review_record": _("Plan reviewed"),
    "reintegration.visit_record": _("Follow-up visit recorded"),
    "reintegration.retrafficking_record": _("Found back in exploitation"),
    "reintegration.contact_attempt": _("Attempt to reach the child recorded"),
}

register(
    LABELS,
    {
        "reintegration.family_member_record": coded("relationship", Relationship.choices),
        "reintegration.family_assessment_record": coded("safety", Level.choices),
        "reintegration.pathway_decide": coded("kind", PathwayKind.choices),
        "reintegration.plan_record": coded("kind", PlanKind.choices),
    },
    classes=dict.fromkeys(LABELS, Sensitivity.FAMILY),
)

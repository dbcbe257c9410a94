"""The timeline's words for where the child lives (registered at PlacementsConfig.ready())."""

from django.utils.translation import gettext_lazy as _

from haven.audit.labels import coded, register
from haven.core.sensitivity import Sensitivity
from haven.placements.models import PlacementType

register(
    {
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
    },
    {"placement.record": coded("type", PlacementType.choices)},
    {
        **dict.fromkeys(
            ("placement.record", "placement.end", "placement.decision", "placement.review"),
            Sensitivity.LOCATION,
        ),
        **dict.fromkeys(
            ("restriction.record", "restriction.review", "family_contact.record"),
            Sensitivity.FAMILY,
        ),
        **dict.fromkeys(
            (
                "charge.record",
                "charge.update",
                "liberty_challenge.record",
                "liberty_challenge.decide",
            ),
            Sensitivity.LEGAL,
        ),
    },
)

"""The timeline's words for the service directory and referrals (CC-15, DP-5, DP-9, DP-16;
registered at DirectoryConfig.ready())."""

from django.utils.translation import gettext_lazy as _

from haven.audit.labels import coded, register
from haven.directory.models import TransferKind
from haven.protection.models import ServiceType

register(
    {
        "offer.create": _("Service added to the directory"),
        "offer.update": _("Service in the directory updated"),
        "sharing_assessment.record": _("Data-sharing assessment recorded"),
        "referral.send": _("Referral sent"),
        "referral.accept": _("Referral accepted"),
        "referral.decline": _("Referral declined"),
        "referral.withdraw": _("Referral withdrawn"),
        "referral.close": _("Referral closed"),
        "transfer.request": _("Handing the case over to another agency asked for"),
        "transfer.accept": _("Case handed over to another agency"),
        "transfer.decline": _("Handing the case over declined by the other agency"),
        "transfer.withdraw": _("Handing the case over withdrawn"),
    },
    {
        "referral.send": coded("service_type", ServiceType.choices),
        "transfer.request": coded("kind", TransferKind.choices),
    },
)

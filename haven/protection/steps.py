"""The first step that guardianship meets (ID-4): a current guardian's appointment meets the
guardian step (registered at ready())."""

from typing import Any

from django.db.models import Exists, OuterRef

from haven.identification.models import FirstStep
from haven.identification.selectors import met_by
from haven.protection.models import GuardianAppointment


def _current_guardian() -> Any:
    return Exists(GuardianAppointment.objects.current().filter(case_id=OuterRef("case_id")))


def _guardian(case: Any) -> str | None:
    appointment = (
        GuardianAppointment.objects.current().filter(case=case).select_related("guardian").first()
    )
    return str(appointment.guardian) if appointment is not None else None


met_by(
    FirstStep.Kind.GUARDIAN,
    exists=_current_guardian,
    describe=_guardian,
    shows=GuardianAppointment.ROW_SENSITIVITY,
)

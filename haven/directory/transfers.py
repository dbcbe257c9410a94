"""Handing a child's case over to another agency (RR-7, DP-5, DP-9, DP-16).

The lead agency's supervisor asks (`transfer_request`): the receiving agency, why, the data
points that go along, a consent that names the receiving agency or a justified legal basis
(DP-5), an approved data-sharing assessment with that agency (DP-16), and, for a return across
a border, a risk assessment of the destination, the child's views and a best-interests
determination about the return (CC-2). The closing checks run then too: a case is not handed
over while the child is held or a critical alert is open, which a closed case would silence.

The receiving agency sees the request in its inbox as it sees a referral (age band, gender,
languages, the reason; no name) and accepts (`transfer_accept`) or declines. On acceptance, in
one transaction: the sending case closes as handed over and a case for the same child opens in
the receiving agency with the accepting person as case worker (`case_hand_over`): the child's
record and the count of times they told their story go with them; and a referral of the agreed
data points from the sending case, accepted at once, lets the receiving case worker read the
sending case in those classes only, for as long as the basis holds (a withdrawn consent ends
it, as for any referral). The sending agency keeps its closed case and the transfer's record of
what it sent, when, to whom and on what basis.

The request holds what a signed package between two Haven installations would carry; such a
package is a second transport for the same record, not a second model.
"""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.access import agencies_where, memberships
from haven.accounts.models import Agency
from haven.accounts.roles import CASE_WORKER_ROLES, Capability
from haven.audit.services import record_event
from haven.cases.access import require
from haven.cases.closing import check_may_close
from haven.cases.models import Case, ClosingReason
from haven.cases.services import case_hand_over, lock_case
from haven.consent.models import Consent
from haven.core.sensitivity import Sensitivity
from haven.decisions.models import Decision
from haven.directory import rules
from haven.directory.models import (
    Referral,
    Transfer,
    TransferKind,
    TransferStatus,
)
from haven.directory.selectors import child_languages
from haven.directory.services import (
    age_band,
    agreed_data_points,
    referral_accept,
    require_sharing_basis,
    sharing_approved,
)
from haven.protection.models import ServiceType
from haven.safeguards.engine import reevaluate


def _points(values: Iterable[str]) -> list[str]:
    """The agreed data points; the child's identity always goes along, since the receiving
    agency's case is about the same child's record."""
    return agreed_data_points([*values, Sensitivity.IDENTITY])


def _return_needs(
    case: Case,
    to_agency: Agency,
    destination_risks: str,
    child_views: str,
    decision: Decision | None,
) -> None:
    """A return across a border (RR-7): to an agency in another country, with the destination's
    risks, the child's views, and a determination about the return on this case (CC-2)."""
    errors: dict[str, str] = {}
    if to_agency.country == case.lead_agency.country:
        errors["to_agency"] = _("A return goes to an agency in the child's country of origin.")
    if not destination_risks.strip():
        errors["destination_risks"] = _(
            "Assess the risks at the destination (family, traffickers, community, services)."
        )
    if not child_views.strip():
        errors["child_views"] = _("Write what the child says about going back.")
    if (
        decision is None
        or decision.case_id != case.pk
        or decision.kind != Decision.Kind.BID
        or decision.subject != Decision.Subject.RETURN
    ):
        errors["decision"] = _(
            "Choose the best-interests determination about the return taken on this case."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def transfer_request(
    *,
    case: Case,
    actor: Any,
    to_agency: Agency,
    kind: str,
    reason: str,
    data_points: Iterable[str] = (),
    consent: Consent | None = None,
    legal_basis: str = "",
    legal_basis_justification: str = "",
    destination_risks: str = "",
    child_views: str = "",
    decision: Decision | None = None,
) -> Transfer:
    """Ask another agency to take over the child's case (RR-7). Only someone who may approve a
    case's closing asks, since acceptance closes the case here."""
    require(actor, Capability.APPROVE_CLOSURE, case)
    lock_case(case)
    case = Case.objects.select_related("lead_agency", "child").get(pk=case.pk)
    if kind not in TransferKind.values:
        raise ValidationError({"kind": _("Choose the kind of transfer.")})
    if to_agency.pk == case.lead_agency_id:
        raise ValidationError({"to_agency": _("The case is already with this agency.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the case is handed over.")})
    if kind == TransferKind.RETURN:
        _return_needs(case, to_agency, destination_risks, child_views, decision)
    points = _points(data_points)
    require_sharing_basis(case, consent, legal_basis, legal_basis_justification, to_agency)
    rules.SHARING_NOT_ASSESSED.check(
        approved=sharing_approved(case.lead_agency_id, to_agency.pk),
        from_agency=case.lead_agency,
        to_agency=to_agency,
    )
    case.check_transition(Case.Stage.CLOSED)
    check_may_close(case, ClosingReason.TRANSFERRED)
    if Transfer.objects.filter(case=case, status=TransferStatus.REQUESTED).exists():
        raise ValidationError(_("A transfer of this case already waits for an answer."))
    transfer = Transfer.objects.create(
        case=case,
        from_agency_id=case.lead_agency_id,
        to_agency=to_agency,
        kind=kind,
        reason=reason.strip(),
        data_points=points,
        age_band=age_band(case.child.birth_date),
        consent=consent,
        legal_basis=legal_basis if consent is None else "",
        legal_basis_justification=legal_basis_justification.strip() if consent is None else "",
        destination_risks=destination_risks.strip() if kind == TransferKind.RETURN else "",
        child_views=child_views.strip() if kind == TransferKind.RETURN else "",
        decision=decision if kind == TransferKind.RETURN else None,
        created_by=actor,
        updated_by=actor,
    )
    record_event(
        actor=actor,
        action="transfer.request",
        obj=transfer,
        case=case,
        changes={
            "to_agency": [None, str(to_agency.public_id)],
            "kind": [None, kind],
            "data_points": [None, points],
            "basis": [None, legal_basis or "consent"],
        },
    )
    reevaluate(case, Transfer)
    return transfer


def _locked(transfer: Transfer) -> Transfer:
    lock_case(transfer.case)
    return (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("case", "case__child", "case__lead_agency", "to_agency", "consent")
        .get(pk=transfer.pk)
    )


def _require_receiver(actor: Any, transfer: Transfer) -> None:
    """Someone of the receiving agency who may take a case as its case worker."""
    takes_cases = {
        m.agency_id
        for m in memberships(actor)
        if m.role in CASE_WORKER_ROLES
        and m.agency_id in {a.pk for a in agencies_where(actor, Capability.REGISTER_CHILD)}
    }
    if transfer.to_agency_id not in takes_cases:
        raise PermissionDenied(_("You are not allowed to do this."))


@transaction.atomic
def transfer_accept(*, transfer: Transfer, actor: Any) -> Transfer:
    """The receiving agency takes over: the sending case closes as handed over, a case for the
    same child opens here with `actor` as case worker, and the agreed data points of the sending
    case are shared through an accepted referral (DP-9)."""
    _require_receiver(actor, transfer)
    transfer = _locked(transfer)
    transfer.check_transition(TransferStatus.ACCEPTED)
    rules.BASIS_LAPSED.check(in_force=transfer.sharing_in_force())
    sending = transfer.case
    rules.SHARING_NOT_ASSESSED.check(
        approved=sharing_approved(transfer.from_agency_id, transfer.to_agency_id),
        from_agency=sending.lead_agency,
        to_agency=transfer.to_agency,
    )
    now = timezone.now()
    new_case = case_hand_over(
        earlier=sending,
        actor=actor,
        agency=transfer.to_agency,
        reason=_("Handed over to %(agency)s.") % {"agency": transfer.to_agency.name},
    )
    referral = Referral.objects.create(
        case=sending,
        from_agency_id=transfer.from_agency_id,
        to_agency_id=transfer.to_agency_id,
        service_type=ServiceType.SOCIAL_CARE,
        reason=transfer.reason,
        data_points=transfer.data_points,
        age_band=transfer.age_band,
        gender=sending.child.gender,
        languages=child_languages(sending.child),
        consent=transfer.consent,
        legal_basis=transfer.legal_basis,
        legal_basis_justification=transfer.legal_basis_justification,
        sent_by=transfer.created_by or actor,
        sent_at=now,
        created_by=actor,
        updated_by=actor,
    )
    referral = referral_accept(referral=referral, actor=actor)
    transfer.set_status(
        TransferStatus.ACCEPTED,
        actor=actor,
        action="transfer.accept",
        case=sending,
        fields={
            "decided_by": actor,
            "decided_at": now,
            "new_case": new_case,
            "referral": referral,
        },
    )
    record_event(
        actor=actor,
        action="transfer.accept",
        obj=transfer,
        case=new_case,
        changes={"from_agency": [None, str(transfer.from_agency.public_id)]},
    )
    reevaluate(sending, Transfer)
    return transfer


def _answer(transfer: Transfer, actor: Any, to: str, note: str, action: str) -> Transfer:
    if not note.strip():
        raise ValidationError({"note": _("Say why, for the other agency.")})
    transfer.set_status(
        to,
        actor=actor,
        action=action,
        case=transfer.case,
        fields={"decided_by": actor, "decided_at": timezone.now(), "decision_note": note.strip()},
    )
    reevaluate(transfer.case, Transfer)
    return transfer


@transaction.atomic
def transfer_decline(*, transfer: Transfer, actor: Any, note: str) -> Transfer:
    """The receiving agency declines; the case stays open with the sending agency."""
    _require_receiver(actor, transfer)
    transfer = _locked(transfer)
    transfer.check_transition(TransferStatus.DECLINED)
    return _answer(transfer, actor, TransferStatus.DECLINED, note, "transfer.decline")


@transaction.atomic
def transfer_withdraw(*, transfer: Transfer, actor: Any, note: str) -> Transfer:
    """The sending agency withdraws its request; the case stays open with it."""
    require(actor, Capability.APPROVE_CLOSURE, transfer.case)
    transfer = _locked(transfer)
    transfer.check_transition(TransferStatus.WITHDRAWN)
    return _answer(transfer, actor, TransferStatus.WITHDRAWN, note, "transfer.withdraw")

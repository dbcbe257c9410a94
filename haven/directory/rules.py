"""The safeguard rules of referrals between agencies: a child's information is shared only with
the child's consent, naming the receiving agency, or a recorded legal basis (DP-5), and only
with an agency the sender has assessed (DP-16). Registered by DirectoryConfig.ready(); the
services call the checks."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from haven.core.errors import SafeguardViolation
from haven.safeguards.registry import BlockRule, Severity, register


def _refuse(rule: BlockRule, **params: Any) -> None:
    message = str(rule.message)
    raise SafeguardViolation(rule.measure_id, message % params if params else message)


def check_consent_allows_sharing(*, in_force: bool) -> None:
    """DP-5: the consent a referral names must be a consent to share, in force on the case."""
    if not in_force:
        _refuse(CONSENT_NOT_IN_FORCE)


CONSENT_NOT_IN_FORCE = register(
    BlockRule(
        code="dp5.consent_not_in_force",
        measure_id="DP-5",
        severity=Severity.BLOCK,
        title=_("The consent does not allow sharing"),
        message=_(
            "This consent does not allow sharing: choose a consent to share information with "
            "another agency that is in force on this case."
        ),
        check=check_consent_allows_sharing,
    )
)


def check_consent_names_recipient(*, names_recipient: bool, agency: Any, covers: str) -> None:
    """DP-5, "to whom": the consent must name the receiving agency among the Haven agencies it
    covers. Text written for those outside Haven never counts, even when it reads like the
    agency's name: a consent recorded before agencies could be chosen names none."""
    if not names_recipient:
        _refuse(CONSENT_NOT_FOR_RECIPIENT, agency=agency.name, covers=covers)


CONSENT_NOT_FOR_RECIPIENT = register(
    BlockRule(
        code="dp5.consent_not_for_recipient",
        measure_id="DP-5",
        severity=Severity.BLOCK,
        title=_("The consent does not name the receiving agency"),
        message=_(
            "The child agreed to share information with: %(covers)s. That does not include "
            "%(agency)s, so this referral cannot be sent. Only Haven agencies ticked on the "
            "consent count, not names written as text. Record the child's consent to share "
            "information with %(agency)s, or choose a legal basis and say why it cannot wait."
        ),
        check=check_consent_names_recipient,
    )
)


def check_sharing_basis(*, consent: Any, legal_basis: str) -> None:
    """DP-5: no sharing without the child's consent or a legal basis."""
    if consent is None and not legal_basis:
        _refuse(NO_SHARING_BASIS)


NO_SHARING_BASIS = register(
    BlockRule(
        code="dp5.no_sharing_basis",
        measure_id="DP-5",
        severity=Severity.BLOCK,
        title=_("Sharing needs consent or a legal basis"),
        message=_(
            "A referral shares the child's information: record the child's consent to share "
            "information first, or choose a legal basis (vital interest, legal obligation, "
            "mandatory report) and say why it cannot wait."
        ),
        check=check_sharing_basis,
    )
)


def check_basis_still_holds(*, in_force: bool) -> None:
    """DP-5: a referral whose consent was withdrawn or expired cannot be accepted."""
    if not in_force:
        _refuse(BASIS_LAPSED)


BASIS_LAPSED = register(
    BlockRule(
        code="dp5.referral_basis_lapsed",
        measure_id="DP-5",
        severity=Severity.BLOCK,
        title=_("The consent behind the referral lapsed"),
        message=_(
            "The consent this referral relied on is no longer in force: the referring agency "
            "must record consent again or a legal basis before it can be accepted."
        ),
        check=check_basis_still_holds,
    )
)


def check_accepting_agency_named(*, names_recipient: bool) -> None:
    """DP-5 at acceptance: the consent a referral relied on must name the accepting agency. A
    referral sent before consents named agencies may rely on one that does not. The message
    does not say whom the consent covers: the accepting agency may not see the case, and the
    child did not agree to share that with it."""
    if not names_recipient:
        _refuse(ACCEPTING_AGENCY_NOT_NAMED)


ACCEPTING_AGENCY_NOT_NAMED = register(
    BlockRule(
        code="dp5.accepting_agency_not_named",
        measure_id="DP-5",
        severity=Severity.BLOCK,
        title=_("The consent behind the referral does not name this agency"),
        message=_(
            "The child's consent behind this referral does not name your agency, so it cannot "
            "be accepted: the referring agency must record the child's consent to share "
            "information with your agency, or a legal basis, and refer again."
        ),
        check=check_accepting_agency_named,
    )
)


def check_sharing_assessed(*, approved: bool, from_agency: Any, to_agency: Any) -> None:
    """DP-16: a first referral to an agency needs an approved data-sharing assessment."""
    if not approved:
        _refuse(SHARING_NOT_ASSESSED, **{"from": from_agency.name, "to": to_agency.name})


SHARING_NOT_ASSESSED = register(
    BlockRule(
        code="dp16.sharing_not_assessed",
        measure_id="DP-16",
        severity=Severity.BLOCK,
        title=_("No data-sharing assessment with this agency"),
        message=_(
            "%(from)s has no approved data-sharing assessment for %(to)s. Before a first "
            "referral, a supervisor, child-protection officer or agency administrator of "
            "%(from)s records one under Services → Data-sharing assessments."
        ),
        check=check_sharing_assessed,
    )
)

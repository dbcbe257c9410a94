"""Who a concern about a practitioner reaches (CC-13). Always someone, never its subject.

The chain stops at the first step that finds someone who is not the concern's subject:

1. the agency's safeguarding leads (holders of HANDLE_CONCERNS there);
2. else the agency's supervisors who are not the subject;
3. else the child-protection authority's safeguarding leads: the agencies marked
   `is_child_protection_authority` in the agency's country (as the ND-2 escalation finds the
   authority; the agency itself when it is one); when the authority has no safeguarding lead
   who is not the subject, the people who handle children's feedback there (its supervisors
   and child-protection officers), so that a concern is never left with no one.

When the subject is not known (every kiosk concern, and a recorded one where the practitioner
could not name a Haven user), any supervisor may be the person the child means ("someone who
works here"): step 2 then also sends it to the authority, so that someone outside the agency
sees it. The subject, when known, is left out at every step, even when they are the
safeguarding lead. At most three queries, whatever the number of staff."""

from dataclasses import dataclass

from haven.accounts.models import Agency, Membership
from haven.accounts.roles import Capability, Role, roles_with
from haven.voice.models import Feedback, Route


@dataclass(frozen=True)
class Recipient:
    user_id: int
    agency_id: int  # the agency they receive it through, and may handle it in
    route: str


def _members(agency_ids: list[int], roles: frozenset[str]) -> list[tuple[int, int, str]]:
    return list(
        Membership.objects.filter(
            agency_id__in=agency_ids, role__in=roles, is_active=True, user__is_active=True
        )
        .order_by("agency_id", "user_id")
        .values_list("user_id", "agency_id", "role")
    )


def _authority(agency: Agency, subject_id: int | None) -> list[Recipient]:
    """The child-protection authority's safeguarding leads, else its feedback handlers; never
    the subject."""
    rows = [
        row
        for row in Membership.objects.filter(
            agency__is_child_protection_authority=True,
            agency__country=agency.country,
            role__in=roles_with(Capability.HANDLE_FEEDBACK),
            is_active=True,
            user__is_active=True,
        )
        .order_by("agency_id", "user_id")
        .values_list("user_id", "agency_id", "role")
        if row[0] != subject_id
    ]
    leads = roles_with(Capability.HANDLE_CONCERNS)
    chosen = [row for row in rows if row[2] in leads] or rows
    return [Recipient(user_id, agency_id, Route.AUTHORITY) for user_id, agency_id, _r in chosen]


def concern_recipients(feedback: Feedback) -> list[Recipient]:
    """Who `feedback`, a concern, must reach (see the module's docstring); one row per person."""
    agency = feedback.agency
    subject_id = feedback.subject_id
    leads = [
        Recipient(user_id, agency_id, Route.LEAD)
        for user_id, agency_id, _r in _members([agency.pk], roles_with(Capability.HANDLE_CONCERNS))
        if user_id != subject_id
    ]
    if leads:
        return _once(leads)
    supervisors = [
        Recipient(user_id, agency_id, Route.SUPERVISOR)
        for user_id, agency_id, _r in _members([agency.pk], frozenset({Role.SUPERVISOR}))
        if user_id != subject_id
    ]
    if supervisors and subject_id is not None:
        return _once(supervisors)
    return _once(supervisors + _authority(agency, subject_id))


def _once(recipients: list[Recipient]) -> list[Recipient]:
    """One notice per person: the first route that found them."""
    seen: set[int] = set()
    kept = []
    for recipient in recipients:
        if recipient.user_id not in seen:
            seen.add(recipient.user_id)
            kept.append(recipient)
    return kept

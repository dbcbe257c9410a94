"""DP-9: a referral recipient sees on the case page only what the referral shared. Every panel
(the child, first steps, where the child lives, the timeline) and every alert keeps to the
classes agreed, also for the alert lists and the API.

The case holds something of every class: a guardian (family), an open shelter (whereabouts), a
charge against the child (legal), a needs assessment (narrative). The recipient — a case worker
of the shelter, whose own role reads every class — accepts a referral that shares every class
but one, and the page is searched for what that class would have shown. With nothing withheld
the same search finds everything, so the test can fail."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from haven.accounts.roles import Role
from haven.audit.labels import hidden_actions, label
from haven.audit.models import AuditEvent
from haven.core.sensitivity import Sensitivity
from haven.directory.services import referral_accept, referral_send
from haven.identification.codes import Act, Exploitation
from haven.identification.services import screening_record
from haven.placements.services import charge_record, placement_record
from haven.protection.services import guardian_appoint, guardian_create
from haven.safeguards.models import Alert
from haven.safeguards.registry import get_rule
from tests.conftest import signed_in
from tests.directory.conftest import REASON, sharing_consent
from tests.factories import staff

GUARDIAN = "Fictional Guardian Sunisa"
SHELTER = "Fictional Riverside Shelter, house 4"
ALL = frozenset(Sensitivity.values)

# What each class shows on the case page, when it may be read there.
MARKERS = {
    Sensitivity.FAMILY: [GUARDIAN, "Guardian appointed"],
    Sensitivity.LOCATION: ["Open shelter", "Placement recorded"],
    Sensitivity.LEGAL: ["Charge against the child recorded"],
}


def _world(case, case_worker, agency, shelter, counselling, assessment):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    # Unaccompanied: the first steps include a guardian, met by the appointment below.
    case.child.parental_care = "unaccompanied"
    case.child.save(update_fields=["parental_care"])
    screening_record(
        case=case,
        actor=case_worker,
        screened_at=timezone.now() - timedelta(hours=2),
        acts=[Act.HARBOURING],
        forms=[{"form": Exploitation.FORCED_BEGGING}],
    )
    guardian = guardian_create(agency=agency, actor=case_worker, name=GUARDIAN)
    guardian_appoint(
        case=case,
        actor=case_worker,
        guardian=guardian,
        appointed_on=today - timedelta(days=1),
        appointed_by="Fictional District Court",
    )
    placement_record(
        case=case,
        actor=case_worker,
        type="open_shelter",
        facility=SHELTER,
        start_on=today - timedelta(days=3),
        review_on=today + timedelta(days=30),
        urgent_reason="Fictional: she had nowhere safe to sleep that night.",
    )
    charge_record(
        case=case,
        actor=case_worker,
        offence="illegal_entry",
        authority="Fictional Immigration Police",
        status="investigation",
        recorded_on=today - timedelta(days=2),
    )


def _recipient(case, case_worker, shelter, counselling, shared):  # type: ignore[no-untyped-def]
    recipient = staff(shelter, Role.CASE_WORKER, username="shelter_cw")
    referral = referral_send(
        case=case,
        actor=case_worker,
        offer=counselling,
        reason=REASON,
        data_points=sorted(shared - {Sensitivity.BASIC}),
        consent=sharing_consent(case, case_worker, to=shelter),
    )
    referral_accept(referral=referral, actor=recipient)
    return recipient


@pytest.mark.parametrize(
    "withheld",
    [None, Sensitivity.FAMILY, Sensitivity.LOCATION, Sensitivity.LEGAL, Sensitivity.NARRATIVE],
)
def test_dp9_the_case_page_shows_a_recipient_only_the_classes_shared(  # type: ignore[no-untyped-def]
    client: Client, case, case_worker, agency, shelter, counselling, assessment, withheld
) -> None:
    _world(case, case_worker, agency, shelter, counselling, assessment)
    shared = ALL - {withheld} if withheld else ALL
    recipient = _recipient(case, case_worker, shelter, counselling, shared)
    signed_in(client, recipient)

    page = client.get(f"/cases/{case.public_id}/").content.decode()

    for sensitivity, markers in MARKERS.items():
        for marker in markers:
            assert (marker in page) == (sensitivity in shared), (sensitivity, marker)
    # Every entry of the timeline whose class is withheld is left out, and only those.
    hidden = set(hidden_actions(shared))
    for action in AuditEvent.objects.filter(case_id=case.pk).values_list("action", flat=True):
        if action in hidden:
            assert str(label(action)) not in page, action
    # Every open alert shows exactly when one of its classes is shared.
    alerts = Alert.objects.filter(case=case, status=Alert.Status.OPEN)
    assert alerts.exists()
    for alert in alerts:
        rule = get_rule(alert.rule_code)
        assert (str(rule.title) in page) == bool(set(rule.shows) & shared), alert.rule_code


def test_dp9_a_recipient_of_identity_and_health_sees_no_guardian_placement_or_their_alerts(  # type: ignore[no-untyped-def]
    client: Client, case, case_worker, agency, shelter, counselling, assessment
) -> None:
    """The probe's finding: the first steps named the guardian, the page said where the child
    lives, and the placement alerts showed, to a recipient agreed basics, identity and health."""
    _world(case, case_worker, agency, shelter, counselling, assessment)
    shared = frozenset({Sensitivity.BASIC, Sensitivity.IDENTITY, Sensitivity.HEALTH})
    recipient = _recipient(case, case_worker, shelter, counselling, shared)
    signed_in(client, recipient)
    placement_alerts = set(
        Alert.objects.filter(
            case=case, status=Alert.Status.OPEN, measure_id__in=["ND-3", "CC-1"]
        ).values_list("rule_code", flat=True)
    )

    page = client.get(f"/cases/{case.public_id}/").content.decode()
    alert_list = client.get("/alerts/").content.decode()
    api_alerts = client.get("/api/v1/alerts/").json()["results"]
    listed = client.get("/api/v1/cases/", {"scope": "mine"}).json()["results"]

    assert placement_alerts  # the open shelter without a determination raised them
    for text in (GUARDIAN, "Open shelter", "Lives", SHELTER):
        assert text not in page
    for code in placement_alerts:
        assert str(get_rule(code).title) not in page
        assert str(get_rule(code).title) not in alert_list
    assert {a["rule"] for a in api_alerts} & placement_alerts == set()
    assert [c["open_alerts"] for c in listed] == [
        sum(1 for a in api_alerts if a["case"] == str(case.public_id))
    ]
    # The first steps are there, done, without the guardian's name.
    assert "First steps" in page
    # What the recipient may see still shows: the child's name.
    assert case.child.given_name in page

"""ID-2 for older teenagers: a person estimated near 18 who says they are an adult, and has no
document, is presumed a child until a completed age assessment (the finding: such a person was
screened as an adult, and no age-assessment reminder fired)."""

import importlib
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.core.checks import Error
from django.test import Client, override_settings
from django.utils import timezone

from haven.audit.models import AuditEvent
from haven.audit.verify import verify_chain
from haven.cases.child_services import age_assessment_record, child_update
from haven.cases.models import Case
from haven.cases.services import case_register
from haven.children.age import presumption_of_minority, years_before
from haven.children.checks import presumption_limit_is_not_below_adulthood
from haven.children.models import Child
from haven.core.errors import SafeguardViolation
from haven.identification.codes import Act, Exploitation, Outcome
from haven.identification.services import screening_record
from haven.safeguards.engine import evaluate
from haven.safeguards.models import Alert
from tests.conftest import signed_in
from tests.factories import at_run, child_fields

REMINDER = "id2.age_assessment_needed"


def _born(years: int) -> Any:
    """A birth date `years` years before today, computed when the test runs."""
    return lambda: years_before(timezone.localdate(), years)


def _register(actor, agency, **child):  # type: ignore[no-untyped-def]
    return case_register(actor=actor, agency=agency, child=child_fields(**at_run(child)))


def _finding(actor, agency, years: int = 19):  # type: ignore[no-untyped-def]
    """The finding as reproduced: an estimated age, a birth date 18+ years ago, says they are
    18 or older, no signs of minority ticked, no document."""
    return _register(
        actor,
        agency,
        age_status="estimated",
        birth_date=_born(years),
        claims_adult=True,
        minority_indicators=False,
    )


def _screen(case, actor, **overrides):  # type: ignore[no-untyped-def]
    """Act and purpose observed, and no means at all."""
    kwargs = {
        "screened_at": timezone.now() - timedelta(minutes=5),
        "acts": [Act.HARBOURING],
        "forms": [{"form": Exploitation.FORCED_BEGGING}],
        "means": ["none"],
    }
    kwargs.update(overrides)
    return screening_record(case=case, actor=actor, **kwargs)


def _reminder_open(case: Case) -> bool:
    return Alert.objects.filter(case=case, rule_code=REMINDER, status="open").exists()


def _complete_assessment(case, actor, result: str, years: int):  # type: ignore[no-untyped-def]
    return age_assessment_record(
        case=case,
        actor=actor,
        method="Fictional multidisciplinary assessment",
        decided_by="Fictional Assessment Panel",
        evidence="Fictional school records and interview.",
        completed=True,
        result=result,
        assessed_birth_date=years_before(timezone.localdate(), years),
    )


# --- the finding, as reproduced -------------------------------------------------------------


@pytest.mark.parametrize("years", [18, 19, 20])
def test_id2_estimated_19_claiming_adult_without_document_is_presumed_child(
    case_worker, agency, years
):
    # Given a person estimated 18 to 20 who says they are an adult, no signs ticked, no document
    case = _finding(case_worker, agency, years)

    # Then they are presumed a child, and the record says the presumption applied
    child = Child.objects.get(pk=case.child_id)
    presumption = child.presumption
    assert (presumption.is_child, presumption.is_presumed) == (True, True)
    assert "under 21" in str(presumption.reason)
    assert child.presumed_minor is True


def test_id2_estimated_19_claiming_adult_is_screened_as_a_child_without_means(case_worker, agency):
    case = _finding(case_worker, agency)

    # When act and purpose are observed and no means
    screening = _screen(case, case_worker)

    # Then the means are not required: a presumed child victim
    assert (screening.screened_as_child, screening.outcome) == (True, Outcome.PRESUMED_VICTIM)


@pytest.mark.parametrize(
    "child",
    [
        pytest.param(
            {"age_status": "estimated", "birth_date": _born(19), "claims_adult": True},
            id="finding-estimated-19-claims-adult",
        ),
        pytest.param(
            {"age_status": "estimated", "birth_date": _born(18)}, id="estimated-18-no-claim"
        ),
        pytest.param(
            {"age_status": "estimated", "birth_date": _born(15), "claims_adult": True},
            id="estimated-15-claims-adult",
        ),
        pytest.param(
            {"age_status": "estimated", "birth_date": _born(30), "claims_child": True},
            id="estimated-30-says-under-18",
        ),
        pytest.param(
            {"age_status": "known", "birth_date": _born(19), "minority_indicators": True},
            id="documented-19-with-signs",
        ),
    ],
)
def test_id2_age_assessment_reminder_fires_for_every_presumed_person_pointing_to_18(
    case_worker, agency, child
):
    # Given a presumed child whose details point to 18 or older (registering re-evaluates)
    case = _register(case_worker, agency, **child)
    assert Child.objects.get(pk=case.child_id).is_presumed_child is True

    # Then the reminder is open, and the sweep agrees
    assert _reminder_open(case)
    assert evaluate(Case.objects.filter(pk=case.pk)).raised == 0
    reminder = Alert.objects.get(case=case, rule_code=REMINDER)
    assert (reminder.measure_id, reminder.severity) == ("ID-2", "reminder")


def test_id2_estimated_19_presumption_outlasts_the_21st_estimated_birthday(case_worker, agency):
    # Given the finding, registered and presumed
    case = _finding(case_worker, agency, 20)
    child = Child.objects.get(pk=case.child_id)

    # When a year passes without an age assessment
    next_year = timezone.localdate() + timedelta(days=366)

    # Then the presumption stands: it ends only with a completed assessment
    result = presumption_of_minority(child, None, today=next_year)
    assert (result.is_child, result.is_presumed) == (True, True)


# --- where the presumption does not start ---------------------------------------------------


@pytest.mark.parametrize("years", [21, 30])
def test_id2_estimated_21_claiming_adult_without_signs_or_document_is_not_presumed(
    case_worker, agency, years
):
    case = _finding(case_worker, agency, years)

    child = Child.objects.get(pk=case.child_id)
    assert (child.is_presumed_child, child.presumed_minor) == (False, False)
    # screened as an adult: the means are needed
    assert _screen(case, case_worker).screened_as_child is False
    assert _screen(case, case_worker).outcome == Outcome.PRECARIOUS
    assert not _reminder_open(case)


@pytest.mark.parametrize(
    ("limit", "years", "presumed"),
    [
        (25, 24, True),
        (25, 25, False),
        (18, 18, False),
        (18, 17, True),
        # Below 18 the setting is read as 18: an estimated 17-year-old is always presumed.
        (16, 17, True),
    ],
)
def test_id2_the_estimated_age_limit_is_the_setting(case_worker, agency, limit, years, presumed):
    with override_settings(HAVEN_PRESUMPTION_ESTIMATED_AGE_UNDER=limit):
        case = _finding(case_worker, agency, years)
        child = Child.objects.get(pk=case.child_id)

        assert (child.is_presumed_child, child.presumed_minor) == (presumed, presumed)
        # the finding's person says they are an adult: presumed means reminded
        assert _reminder_open(case) is presumed


@pytest.mark.parametrize(("limit", "errors"), [(21, 0), (18, 0), (17, 1)])
def test_id2_a_limit_below_18_is_a_configuration_error(limit, errors):
    with override_settings(HAVEN_PRESUMPTION_ESTIMATED_AGE_UNDER=limit):
        found = presumption_limit_is_not_below_adulthood(None)

    assert len(found) == errors
    assert all(isinstance(e, Error) and e.id == "haven.children.E001" for e in found)


@pytest.mark.parametrize("claims_adult", [True, False])
def test_id2_documented_adult_age_is_not_presumed(case_worker, agency, claims_adult):
    case = _register(
        case_worker, agency, age_status="known", birth_date=_born(19), claims_adult=claims_adult
    )

    child = Child.objects.get(pk=case.child_id)
    assert (child.is_presumed_child, child.presumed_minor) == (False, False)
    assert _screen(case, case_worker).screened_as_child is False
    assert not _reminder_open(case)


# --- a claim to be under 18 -----------------------------------------------------------------


@pytest.mark.parametrize("age_status", ["estimated", "known"])
def test_id2_a_claim_to_be_under_18_starts_the_presumption(case_worker, agency, age_status):
    # Given a person estimated (or documented) 30, not presumed
    case = _register(case_worker, agency, age_status=age_status, birth_date=_born(30))
    assert Child.objects.get(pk=case.child_id).is_presumed_child is False

    # When they say they are under 18
    child_update(case=case, actor=case_worker, claims_child=True)

    # Then they are presumed a child, the claim is audited with its value, the reminder opens
    child = Child.objects.get(pk=case.child_id)
    assert (child.is_presumed_child, child.presumed_minor) == (True, True)
    assert "says they are under 18" in str(child.presumption.reason)
    assert AuditEvent.objects.get(action="child.update").changes == {"claims_child": [False, True]}
    assert _reminder_open(case)
    assert _screen(case, case_worker).screened_as_child is True


def test_id2_withdrawing_a_claim_to_be_under_18_does_not_end_the_presumption(case_worker, agency):
    case = _register(
        case_worker, agency, age_status="estimated", birth_date=_born(30), claims_child=True
    )
    child = Child.objects.get(pk=case.child_id)
    assert child.is_presumed_child is True
    events = AuditEvent.objects.count()

    with pytest.raises(SafeguardViolation) as excinfo:
        child_update(case=case, actor=case_worker, claims_child=False, claims_adult=True)

    assert excinfo.value.measure_id == "ID-2"
    assert "completed age assessment" in str(excinfo.value.message)
    child.refresh_from_db()
    assert (child.claims_child, child.claims_adult, child.is_presumed_child) == (True, False, True)
    assert AuditEvent.objects.count() == events


def test_id2_the_edit_page_and_the_api_record_a_claim_to_be_under_18(
    client: Client, case_worker, agency
):
    case = _register(case_worker, agency, age_status="estimated", birth_date=_born(30))
    signed_in(client, case_worker)
    assert (
        "Says they are under 18" in client.get(f"/cases/{case.public_id}/child/").content.decode()
    )

    response = client.patch(
        f"/api/v1/cases/{case.public_id}/child/",
        {"claims_child": True},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    assert (response.json()["claims_child"], response.json()["is_presumed_child"]) == (True, True)


# --- only a completed assessment ends it ----------------------------------------------------


def test_id2_pending_assessment_keeps_the_older_teen_presumed(case_worker, agency):
    case = _finding(case_worker, agency)

    age_assessment_record(
        case=case,
        actor=case_worker,
        method="Fictional interview-based assessment",
        decided_by="Fictional Assessment Panel",
    )

    assert Child.objects.get(pk=case.child_id).is_presumed_child is True
    assert _screen(case, case_worker).screened_as_child is True


def test_id2_completed_assessment_finding_an_adult_ends_the_presumption_and_the_reminder(
    case_worker, supervisor, agency
):
    # Given the finding: presumed, reminder open
    case = _finding(case_worker, agency)
    assert _reminder_open(case)

    # When a completed age assessment finds the person 19
    _complete_assessment(case, supervisor, "adult", 19)

    # Then the presumption ends, the reminder clears itself, and a screening needs the means
    child = Child.objects.get(pk=case.child_id)
    assert (child.is_presumed_child, child.presumed_minor, child.age_status) == (
        False,
        False,
        "determined",
    )
    assert Alert.objects.get(case=case, rule_code=REMINDER).status == "cleared"
    screening = _screen(case, case_worker)
    assert (screening.screened_as_child, screening.outcome) == (False, Outcome.PRECARIOUS)
    assert verify_chain() == []


def test_id2_completed_assessment_finding_a_child_keeps_every_child_measure(
    case_worker, supervisor, agency
):
    case = _finding(case_worker, agency)

    _complete_assessment(case, supervisor, "child", 17)

    child = Child.objects.get(pk=case.child_id)
    assert (child.is_presumed_child, child.presumption.is_presumed) == (True, False)
    assert Alert.objects.get(case=case, rule_code=REMINDER).status == "cleared"
    assert _screen(case, case_worker).screened_as_child is True


# --- records made before the change ---------------------------------------------------------


def test_id2_migration_sets_the_presumption_on_records_made_before(case_worker, supervisor, agency):
    # Given records saved before the presumption covered them (the flag False on every row)
    older_teen = _finding(case_worker, agency, 19)
    estimated_17 = _register(case_worker, agency, age_status="estimated", birth_date=_born(17))
    adult = _finding(case_worker, agency, 30)
    documented = _register(case_worker, agency, age_status="known", birth_date=_born(25))
    determined = _finding(case_worker, agency, 20)
    _complete_assessment(determined, supervisor, "adult", 20)
    Child.objects.update(presumed_minor=False)

    # When the migration runs
    migration = importlib.import_module(
        "haven.children.migrations.0003_child_claims_child_presumption"
    )
    migration.set_presumed_minor(apps, None)

    # Then it applies where the presumption does today, and only there
    flags = dict(Child.objects.values_list("cases__pk", "presumed_minor"))
    assert flags == {
        older_teen.pk: True,
        estimated_17.pk: True,
        adult.pk: False,
        documented.pk: False,
        determined.pk: False,
    }
    for case in (older_teen, estimated_17, adult, documented, determined):
        child = Child.objects.get(pk=case.child_id)
        assert child.presumed_minor == child.presumption.is_presumed

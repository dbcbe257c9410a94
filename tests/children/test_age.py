"""The presumption of minority (ID-2) and the validation of a child's record."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from haven.audit.models import AuditEvent
from haven.audit.verify import verify_chain
from haven.cases.child_services import age_assessment_record, child_update
from haven.cases.models import Case
from haven.cases.services import case_register
from haven.children.age import age_on, presumption_of_minority
from haven.children.models import AgeAssessment, AgeStatus, Child, ChildLanguage, ChildNationality
from haven.core.errors import SafeguardViolation
from tests.factories import child_fields

TODAY = date(2026, 6, 15)


def _person(**fields) -> Child:  # type: ignore[no-untyped-def]
    """An unsaved child: presumption_of_minority is pure and reads only these fields."""
    defaults = {"age_status": AgeStatus.UNCERTAIN, "birth_date": None}
    defaults.update(fields)
    return Child(**defaults)


class _Assessment:
    def __init__(self, result: str, assessed_birth_date: date | None = None) -> None:
        self.result = result
        self.assessed_birth_date = assessed_birth_date


def _years_ago(years: int, today: date = TODAY) -> date:
    return today.replace(year=today.year - years)


# --- the pure rule ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "assessment", "expected"),
    [
        # A documented birth date decides, and the person is not "presumed" either way.
        ({"age_status": "known", "birth_date": _years_ago(16)}, None, (True, False)),
        ({"age_status": "known", "birth_date": _years_ago(18)}, None, (False, False)),
        (
            {"age_status": "known", "birth_date": _years_ago(18) + timedelta(days=1)},
            None,
            (True, False),
        ),
        # An estimate under 21 (HAVEN_PRESUMPTION_ESTIMATED_AGE_UNDER) is a presumed child; from
        # 21 only without signs of minority or a claim to be under 18.
        ({"age_status": "estimated", "birth_date": _years_ago(16)}, None, (True, True)),
        ({"age_status": "estimated", "birth_date": _years_ago(20)}, None, (True, True)),
        ({"age_status": "estimated", "birth_date": _years_ago(21)}, None, (False, False)),
        (
            {"age_status": "estimated", "birth_date": _years_ago(20), "minority_indicators": True},
            None,
            (True, True),
        ),
        (
            {
                "age_status": "estimated",
                "birth_date": _years_ago(20),
                "minority_indicators": True,
                "claims_adult": True,
            },
            None,
            (True, True),
        ),
        ({"age_status": "estimated", "birth_date": None}, None, (True, True)),
        ({"age_status": "known", "birth_date": None}, None, (True, True)),
        # Uncertain or disputed: a child whatever the dates and claims say.
        ({"age_status": "uncertain", "birth_date": _years_ago(30)}, None, (True, True)),
        (
            {"age_status": "disputed", "birth_date": _years_ago(25), "claims_adult": True},
            None,
            (True, True),
        ),
        # "determined" without a completed assessment on file is still a presumption.
        ({"age_status": "determined", "birth_date": _years_ago(30)}, None, (True, True)),
        # Only a completed assessment decides, either way.
        (
            {"age_status": "disputed", "minority_indicators": True},
            _Assessment("adult"),
            (False, False),
        ),
        (
            {"age_status": "determined", "birth_date": _years_ago(16)},
            _Assessment("child"),
            (True, False),
        ),
        ({"age_status": "determined", "birth_date": None}, _Assessment("child"), (True, False)),
        # Found a child, and the assessed birth date now says 18 or older: no longer a child.
        (
            {"age_status": "determined", "birth_date": _years_ago(30)},
            _Assessment("child", _years_ago(30)),
            (False, False),
        ),
        # Found a child: an older birth date claimed earlier does not make the person an adult.
        (
            {"age_status": "determined", "birth_date": _years_ago(19)},
            _Assessment("child", _years_ago(16)),
            (True, False),
        ),
        # Documents can be forged: signs of minority outweigh a documented adult age.
        (
            {"age_status": "known", "birth_date": _years_ago(19), "minority_indicators": True},
            None,
            (True, True),
        ),
    ],
)
def test_id2_presumption_of_minority_table(fields, assessment, expected):
    result = presumption_of_minority(_person(**fields), assessment, today=TODAY, standing=False)

    assert (result.is_child, result.is_presumed) == expected
    assert str(result.reason) != ""


@pytest.mark.parametrize(
    ("birth_date", "today", "age"),
    [
        (date(2008, 6, 15), date(2026, 6, 14), 17),
        (date(2008, 6, 15), date(2026, 6, 15), 18),
        (date(2008, 2, 29), date(2026, 2, 28), 17),
        (date(2008, 2, 29), date(2026, 3, 1), 18),
        (date(2026, 1, 1), date(2026, 1, 1), 0),
    ],
)
def test_id2_age_on_counts_whole_years(birth_date, today, age):
    assert age_on(birth_date, today) == age


_dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))


@given(
    age_status=st.sampled_from([AgeStatus.UNCERTAIN, AgeStatus.DISPUTED]),
    birth_date=st.none() | _dates,
    claims_adult=st.booleans(),
    minority_indicators=st.booleans(),
    today=_dates,
)
def test_id2_uncertain_or_disputed_age_without_assessment_is_always_a_child(
    age_status, birth_date, claims_adult, minority_indicators, today
):
    person = _person(
        age_status=age_status,
        birth_date=birth_date,
        claims_adult=claims_adult,
        minority_indicators=minority_indicators,
    )

    result = presumption_of_minority(person, None, today=today)

    assert (result.is_child, result.is_presumed) == (True, True)


@given(
    age_status=st.sampled_from([s for s in AgeStatus.values if s != AgeStatus.KNOWN]),
    birth_date=st.none() | _dates,
    today=_dates,
)
def test_id2_claiming_adulthood_never_removes_the_presumption_while_there_are_signs_of_minority(
    age_status, birth_date, today
):
    def is_child(claims_adult: bool) -> bool:
        person = _person(
            age_status=age_status,
            birth_date=birth_date,
            claims_adult=claims_adult,
            minority_indicators=True,
        )
        return presumption_of_minority(person, None, today=today).is_child

    assert is_child(claims_adult=True) is True
    assert is_child(claims_adult=False) is True


# --- the ID-2 block in the services -------------------------------------------------------


def _open_case(actor, agency, **child):  # type: ignore[no-untyped-def]
    return case_register(actor=actor, agency=agency, child=child_fields(**child))


AGE_FIELDS = ("age_status", "birth_date", "claims_adult", "minority_indicators")


def _age_fields(child: Child) -> tuple:
    child.refresh_from_db()
    return tuple(getattr(child, name) for name in AGE_FIELDS)


def _born(years_ago: int) -> dict:
    """A birth date `years_ago` years before today (today moves; these tests must not)."""
    return {"birth_date": _years_ago(years_ago, timezone.localdate())}


@pytest.mark.parametrize(
    ("start", "change"),
    [
        pytest.param(
            {"age_status": "uncertain", "minority_indicators": True},
            {"age_status": "known", "minority_indicators": False, **_born(30)},
            id="uncertain-to-documented-adult",
        ),
        pytest.param(
            {"age_status": "disputed", "claims_adult": True},
            {"age_status": "estimated", **_born(30)},
            id="disputed-to-estimated-adult",
        ),
        pytest.param(
            {"age_status": "uncertain", "minority_indicators": True},
            {"age_status": "estimated", "minority_indicators": False, **_born(30)},
            id="signs-of-minority-removed",
        ),
        pytest.param(
            {"age_status": "estimated", **_born(15)},
            _born(21),
            id="estimate-moved-past-the-limit",
        ),
    ],
)
def test_id2_child_update_that_would_end_the_presumption_is_refused(
    case_worker, agency, start, change
):
    # given a person presumed to be a child
    case = _open_case(case_worker, agency, **start)
    child = case.child
    assert child.is_presumed_child is True
    before = _age_fields(child)
    events = AuditEvent.objects.count()

    # when the age details are changed so that the person would be an adult
    with pytest.raises(SafeguardViolation) as excinfo:
        child_update(case=case, actor=case_worker, **change)

    # then ID-2 refuses, and nothing changed
    assert excinfo.value.measure_id == "ID-2"
    assert excinfo.value.code == "id2"
    assert _age_fields(child) == before
    assert Child.objects.get(pk=child.pk).is_presumed_child is True
    assert AuditEvent.objects.count() == events
    assert verify_chain() == []


def test_id2_a_claim_to_be_adult_is_recorded_but_the_presumption_stays(case_worker, agency):
    case = _open_case(case_worker, agency, age_status="uncertain", minority_indicators=True)

    child_update(case=case, actor=case_worker, claims_adult=True)

    child = Child.objects.get(pk=case.child_id)
    assert child.claims_adult is True
    assert child.is_presumed_child is True
    assert AuditEvent.objects.get(action="child.update").changes == {"claims_adult": [False, True]}


def test_id2_completed_assessment_finding_an_adult_ends_the_presumption(
    case_worker, supervisor, agency
):
    # given a person whose age is disputed
    case = _open_case(case_worker, agency, age_status="disputed", minority_indicators=True)

    # when a completed age assessment finds them 18 or older
    assessment = age_assessment_record(
        case=case,
        actor=supervisor,
        method="Fictional multidisciplinary assessment",
        decided_by="Fictional Assessment Panel",
        evidence="Fictional documents reviewed.",
        completed=True,
        result="adult",
        assessed_birth_date=timezone.localdate() - timedelta(days=20 * 365),
    )

    # then the presumption ends, the age status says it was determined, and it is audited
    child = Child.objects.get(pk=case.child_id)
    assert (assessment.status, assessment.result) == ("completed", "adult")
    assert assessment.completed_at is not None
    assert child.age_status == AgeStatus.DETERMINED
    assert child.is_presumed_child is False
    event = AuditEvent.objects.get(action="child.age_assessment")
    assert event.changes == {
        "status": [None, "completed"],
        "result": [None, "adult"],
        "child.age_status": ["disputed", "determined"],
        "child.birth_date": ["[changed]", "[changed]"],
    }
    assert verify_chain() == []


def test_id2_pending_assessment_does_not_end_the_presumption(case_worker, agency):
    case = _open_case(case_worker, agency, age_status="disputed", claims_adult=True)

    assessment = age_assessment_record(
        case=case,
        actor=case_worker,
        method="Fictional interview-based assessment",
        decided_by="Fictional Assessment Panel",
        result="adult",  # ignored: only a completed assessment has a result
    )

    child = Child.objects.get(pk=case.child_id)
    assert (assessment.status, assessment.result, assessment.completed_at) == ("pending", "", None)
    assert child.age_status == AgeStatus.DISPUTED
    assert child.is_presumed_child is True


def test_id2_completed_assessment_needs_a_result_and_saves_nothing_without_one(
    case_worker, supervisor, agency
):
    case = _open_case(case_worker, agency, age_status="disputed")
    events = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as excinfo:
        age_assessment_record(
            case=case,
            actor=supervisor,
            method="Fictional method",
            decided_by="Fictional Panel",
            completed=True,
        )

    assert list(excinfo.value.message_dict) == ["result"]
    assert AgeAssessment.objects.count() == 0
    assert Child.objects.get(pk=case.child_id).age_status == AgeStatus.DISPUTED
    assert AuditEvent.objects.count() == events


# --- validation of the child's record -----------------------------------------------------


@pytest.fixture
def counts():  # type: ignore[no-untyped-def]
    def take() -> tuple[int, ...]:
        return (
            Child.objects.count(),
            Case.objects.count(),
            ChildNationality.objects.count(),
            ChildLanguage.objects.count(),
            AuditEvent.objects.count(),
        )

    return take


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        pytest.param(
            lambda: {"child": child_fields(birth_date=timezone.localdate() + timedelta(days=1))},
            "birth_date",
            id="future-birth-date",
        ),
        pytest.param(
            lambda: {"nationalities": ["MM", "XX"]}, "nationalities", id="unknown-country"
        ),
        pytest.param(lambda: {"nationalities": ["mm"]}, "nationalities", id="lower-case-country"),
        pytest.param(lambda: {"languages": ["my", "xx"]}, "languages", id="unknown-language"),
    ],
)
def test_child_registration_with_invalid_data_saves_nothing(
    case_worker, agency, counts, overrides, field
):
    # given a practitioner registering a child with one invalid value
    before = counts()
    kwargs = {"child": child_fields(), **overrides()}

    # when the case is registered
    with pytest.raises(ValidationError) as excinfo:
        case_register(actor=case_worker, agency=agency, **kwargs)

    # then the error names the field and no child, case, list entry or audit row exists
    assert list(excinfo.value.message_dict) == [field]
    assert counts() == before


def test_child_update_with_future_birth_date_changes_nothing(case, case_worker, counts):
    before, child_before = counts(), _age_fields(case.child)

    with pytest.raises(ValidationError) as excinfo:
        child_update(
            case=case, actor=case_worker, birth_date=timezone.localdate() + timedelta(days=1)
        )

    assert list(excinfo.value.message_dict) == ["birth_date"]
    assert (counts(), _age_fields(case.child)) == (before, child_before)


@pytest.mark.parametrize(
    ("lists", "field"),
    [({"nationalities": ["ZZ"]}, "nationalities"), ({"languages": ["qq"]}, "languages")],
)
def test_child_update_with_unknown_iso_code_changes_nothing(
    case, case_worker, counts, lists, field
):
    # given the registered child (nationality MM, language my)
    before = counts()

    # when a name and an invalid code are sent together
    with pytest.raises(ValidationError) as excinfo:
        child_update(case=case, actor=case_worker, given_name="Fictionalnew", **lists)

    # then neither is saved: the name change rolled back with the failed list
    assert list(excinfo.value.message_dict) == [field]
    assert counts() == before
    child = Child.objects.get(pk=case.child_id)
    assert child.given_name == "Mali"
    assert list(child.nationalities.values_list("country", flat=True)) == ["MM"]
    assert list(child.languages.values_list("language", flat=True)) == ["my"]


def test_child_update_keeps_valid_iso_codes_with_the_first_language_preferred(case, case_worker):
    child_update(
        case=case, actor=case_worker, nationalities=["MM", "TH", "MM"], languages=["th", "my"]
    )

    child = Child.objects.get(pk=case.child_id)
    assert sorted(child.nationalities.values_list("country", flat=True)) == ["MM", "TH"]
    assert list(
        child.languages.order_by("-is_preferred", "language").values_list(
            "language", "is_preferred"
        )
    ) == [
        ("th", True),
        ("my", False),
    ]
    # the audit trail says they changed, never which (DP-3)
    assert AuditEvent.objects.get(action="child.update").changes == {
        "languages": ["[changed]", "[changed]"],
        "nationalities": ["[changed]", "[changed]"],
    }


def test_id2_presumption_does_not_end_on_an_estimated_18th_birthday():
    # Given a person presumed a child at 17 by an estimate
    person = _person(age_status="estimated", birth_date=_years_ago(17))
    assert presumption_of_minority(person, None, today=TODAY, standing=False).is_presumed

    # When the estimated birthday passes, with the presumption standing on the record
    a_year_later = TODAY.replace(year=TODAY.year + 1)
    result = presumption_of_minority(person, None, today=a_year_later, standing=True)

    # Then the person is still presumed a child until an age assessment is completed
    assert (result.is_child, result.is_presumed) == (True, True)


def test_id2_registration_records_that_the_presumption_applies(case_worker, agency):
    case = _open_case(
        case_worker, agency, age_status="estimated", birth_date=_years_ago(17, timezone.localdate())
    )
    assert Child.objects.get(pk=case.child_id).presumed_minor is True

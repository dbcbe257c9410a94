"""ID-3: the indicator library (fixtures/indicators.json) and the ILO–EC dimension rule."""

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from haven.identification.codes import Exploitation, IndicatorDimension, IndicatorGrade
from haven.identification.indicators import (
    EXPLOITATION_DIMENSIONS,
    ILO_DIMENSIONS,
    MEANS_DIMENSIONS,
    dimension_positive,
    ilo_guidance,
)

FIXTURE = (
    Path(__file__).resolve().parents[2]
    / "haven"
    / "identification"
    / "fixtures"
    / "indicators.json"
)
UNODC = "UNODC, Human Trafficking Indicators (children)"
ILO = (
    "ILO–European Commission, Operational indicators of trafficking in human beings (2009), "
    "children"
)
VALID_FORMS = {""} | {choice.value for choice in Exploitation}


def _rows() -> list[dict]:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def _ind(dimension: str, grade: str) -> SimpleNamespace:
    return SimpleNamespace(dimension=dimension, grade=grade)


# --- the fixture, loaded --------------------------------------------------------------------


@pytest.mark.django_db
def test_id3_fixture_loads_the_indicator_library():
    from haven.identification.models import Indicator

    call_command("loaddata", "indicators", verbosity=0)

    indicators = list(Indicator.objects.all())
    assert len(indicators) >= 30
    codes = [i.code for i in indicators]
    assert len(codes) == len(set(codes))
    ilo = [i for i in indicators if i.source == ILO]
    unodc = [i for i in indicators if i.source == UNODC]
    assert ilo and unodc
    assert all(i.grade in {"S", "M", "W"} and i.based_on for i in ilo)
    assert all(i.dimension in ILO_DIMENSIONS for i in ilo)
    assert all(i.dimension == IndicatorDimension.GENERAL and i.grade == "" for i in unodc)
    assert all(not i.based_on for i in unodc)
    assert all(i.form in VALID_FORMS for i in indicators)
    assert all(i.is_active for i in indicators)


# --- the fixture, as data (no database needed) ----------------------------------------------


def test_id3_fixture_rows_are_well_formed():
    rows = _rows()
    assert len(rows) >= 30
    assert [r["pk"] for r in rows] == list(range(1, len(rows) + 1))  # stable pks 1..N
    assert {r["model"] for r in rows} == {"identification.indicator"}
    codes = [r["fields"]["code"] for r in rows]
    assert len(codes) == len(set(codes))
    for row in rows:
        f = row["fields"]
        assert f["code"].startswith(("unodc-", "ilo-"))
        assert len(f["code"]) <= 60 and f["code"] == f["code"].lower()
        assert 0 < len(f["text"]) <= 300
        assert f["form"] in VALID_FORMS
        assert f["dimension"] in IndicatorDimension.values
        assert f["grade"] in IndicatorGrade.values
        assert f["source"] in {UNODC, ILO}


def test_id3_every_ilo_indicator_is_graded_and_based_on():
    ilo = [r["fields"] for r in _rows() if r["fields"]["source"] == ILO]
    assert ilo
    for f in ilo:
        assert f["grade"] in {"S", "M", "W"}, f["code"]
        assert f["based_on"] is True, f["code"]
        assert f["dimension"] in ILO_DIMENSIONS, f["code"]
        assert f["form"] == Exploitation.CHILD_LABOUR, f["code"]


def test_id3_every_unodc_indicator_is_general_and_ungraded():
    unodc = [r["fields"] for r in _rows() if r["fields"]["source"] == UNODC]
    assert len(unodc) == 17
    for f in unodc:
        assert f["dimension"] == "general", f["code"]
        assert f["grade"] == "", f["code"]
        assert f["based_on"] is False, f["code"]


def test_id3_the_spec_examples_are_in_the_library():
    by_code = {r["fields"]["code"]: r["fields"] for r in _rows()}
    assert by_code["unodc-no-access-to-parents"]["dimension"] == "general"
    assert by_code["ilo-coercion-confiscation-of-documents"]["grade"] == "S"
    assert by_code["ilo-exploitative-excessive-hours"]["grade"] == "S"
    assert by_code["ilo-exploitative-excessive-hours"]["text"] == "Works excessive days or hours"
    assert by_code["unodc-illegal-adoption"]["form"] == Exploitation.FORCED_ADOPTION


def test_id3_each_exploitation_dimension_can_turn_positive_from_the_library():
    rows = [r["fields"] for r in _rows()]
    for dimension in EXPLOITATION_DIMENSIONS:
        grades = [f["grade"] for f in rows if f["dimension"] == dimension]
        assert dimension_positive(grades), dimension


# --- the rule -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("grades", "positive"),
    [
        # ≥2 S
        (["S", "S"], True),
        (["S", "S", "S"], True),
        # 1 S + ≥1 M/W
        (["S", "M"], True),
        (["S", "W"], True),
        (["S", "W", "W"], True),
        # ≥3 M
        (["M", "M", "M"], True),
        (["M", "M", "M", "M"], True),
        # 2 M + ≥1 W
        (["M", "M", "W"], True),
        (["M", "W", "M", "W"], True),
        # near-misses
        ([], False),
        (["S"], False),
        (["M"], False),
        (["W"], False),
        (["M", "M"], False),
        (["M", "W"], False),
        (["M", "W", "W"], False),
        (["M", "W", "W", "W", "W"], False),
        (["W", "W", "W"], False),
        (["W"] * 10, False),
        # ungraded entries never count
        (["S", ""], False),
        (["M", "M", ""], False),
    ],
)
def test_id3_dimension_positive_rule(grades, positive):
    assert dimension_positive(grades) is positive


def test_id3_dimension_positive_accepts_any_iterable_and_rejects_unknown_grades():
    assert dimension_positive(iter(["S", "S"]))
    assert dimension_positive(g for g in "MMM")
    with pytest.raises(ValueError, match="grade"):
        dimension_positive(["X"])


grades_st = st.lists(st.sampled_from(["S", "M", "W"]), max_size=12)


@given(grades=grades_st, extra=st.sampled_from(["S", "M", "W"]))
def test_id3_adding_an_indicator_never_turns_a_positive_dimension_negative(grades, extra):
    if dimension_positive(grades):
        assert dimension_positive([*grades, extra])


@given(grades=grades_st, data=st.data())
def test_id3_a_stronger_grade_never_turns_a_positive_dimension_negative(grades, data):
    stronger = {"W": ["M", "S"], "M": ["S"], "S": []}
    if not grades or not dimension_positive(grades):
        return
    i = data.draw(st.integers(0, len(grades) - 1))
    for grade in stronger[grades[i]]:
        assert dimension_positive([*grades[:i], grade, *grades[i + 1 :]])


@given(grades=grades_st, data=st.data())
def test_id3_order_of_indicators_does_not_matter(grades, data):
    shuffled = data.draw(st.permutations(grades))
    assert dimension_positive(shuffled) == dimension_positive(grades)


# --- the guidance ---------------------------------------------------------------------------


def test_id3_constants_split_the_six_dimensions():
    assert set(MEANS_DIMENSIONS) | set(EXPLOITATION_DIMENSIONS) == set(ILO_DIMENSIONS)
    assert not set(MEANS_DIMENSIONS) & set(EXPLOITATION_DIMENSIONS)
    assert len(ILO_DIMENSIONS) == 6
    assert set(EXPLOITATION_DIMENSIONS) == {"exploitative_conditions", "coercion_at_destination"}


def test_id3_child_with_only_means_dimensions_positive_gets_no_child_guidance():
    ticked = [
        _ind("deceptive_recruitment", "S"),
        _ind("deceptive_recruitment", "S"),
        _ind("coercive_recruitment", "S"),
        _ind("coercive_recruitment", "M"),
        _ind("recruitment_vulnerability", "M"),
        _ind("recruitment_vulnerability", "M"),
        _ind("recruitment_vulnerability", "M"),
        _ind("exploitative_conditions", "M"),  # one M: not enough
    ]
    guidance = ilo_guidance(ticked)
    assert guidance["child_guidance"] is False
    assert guidance["means_positive"] == [
        "deceptive_recruitment",
        "coercive_recruitment",
        "recruitment_vulnerability",
    ]
    assert guidance["exploitation_positive"] == []
    assert guidance["dimensions"]["exploitative_conditions"] == {
        "S": 0,
        "M": 1,
        "W": 0,
        "positive": False,
        "means": False,
    }
    assert "guidance only" in guidance["text"].lower()
    assert "ID-1" in guidance["text"]


@pytest.mark.parametrize("dimension", EXPLOITATION_DIMENSIONS)
def test_id3_one_exploitation_dimension_positive_is_the_signal_without_any_means(dimension):
    guidance = ilo_guidance([_ind(dimension, "S"), _ind(dimension, "M")])
    assert guidance["child_guidance"] is True
    assert guidance["exploitation_positive"] == [dimension]
    assert guidance["means_positive"] == []
    assert guidance["dimensions"][dimension]["positive"] is True
    assert "guidance only" in guidance["text"].lower()
    assert "ID-1" in guidance["text"]


def test_id3_no_indicators_gives_every_dimension_negative_and_still_says_guidance_only():
    guidance = ilo_guidance([])
    assert set(guidance["dimensions"]) == set(ILO_DIMENSIONS)
    assert not any(d["positive"] for d in guidance["dimensions"].values())
    assert guidance["child_guidance"] is False
    assert guidance["general_signs"] == 0
    assert "guidance only" in guidance["text"].lower()
    assert "ID-1" in guidance["text"]


def test_id3_general_signs_are_counted_but_never_make_a_dimension_positive():
    guidance = ilo_guidance([_ind("general", "")] * 5)
    assert guidance["general_signs"] == 5
    assert guidance["positive_dimensions"] == []
    assert guidance["child_guidance"] is False


def test_id3_guidance_rejects_an_unknown_dimension():
    with pytest.raises(ValueError, match="dimension"):
        ilo_guidance([_ind("somewhere_else", "S")])


def test_id3_guidance_from_the_library_rows():
    rows = [SimpleNamespace(**r["fields"]) for r in _rows()]
    coercion = [r for r in rows if r.dimension == "coercion_at_destination"]
    strong = [r for r in coercion if r.grade == "S"][:2]
    assert ilo_guidance(strong)["child_guidance"] is True
    means_only = [r for r in rows if r.dimension in MEANS_DIMENSIONS]
    assert ilo_guidance(means_only)["child_guidance"] is False


@given(
    ticked=st.lists(
        st.tuples(st.sampled_from(ILO_DIMENSIONS), st.sampled_from(["S", "M", "W"])),
        max_size=15,
    ),
    extra=st.tuples(st.sampled_from(ILO_DIMENSIONS), st.sampled_from(["S", "M", "W"])),
)
def test_id3_ticking_one_more_indicator_never_withdraws_child_guidance(ticked, extra):
    before = ilo_guidance([_ind(d, g) for d, g in ticked])
    after = ilo_guidance([_ind(d, g) for d, g in [*ticked, extra]])
    assert set(before["positive_dimensions"]) <= set(after["positive_dimensions"])
    if before["child_guidance"]:
        assert after["child_guidance"]

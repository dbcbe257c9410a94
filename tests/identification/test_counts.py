from datetime import timedelta

from django.utils import timezone

from haven.cases.services import case_register
from haven.identification.selectors import screening_counts
from haven.identification.services import screening_record
from tests.factories import child_fields


def _screen(case, actor, forms):  # type: ignore[no-untyped-def]
    return screening_record(
        case=case,
        actor=actor,
        screened_at=timezone.now() - timedelta(minutes=5),
        acts=["receipt"],
        forms=forms,
    )


def test_cc16_screening_counts_show_boys_disability_nationals_and_labour(
    case_worker, agency, django_assert_max_num_queries
):
    # Given a Thai agency screening a Thai boy with a disability in begging, and a Burmese girl
    # of 16 in domestic work (agency fixture: country TH)
    today = timezone.localdate()
    boy = case_register(
        actor=case_worker,
        agency=agency,
        child=child_fields(
            sex="male",
            has_disability=True,
            age_status="estimated",
            birth_date=today - timedelta(days=10 * 365),
        ),
        nationalities=["TH"],
    )
    girl = case_register(
        actor=case_worker,
        agency=agency,
        child=child_fields(
            sex="female", age_status="known", birth_date=today - timedelta(days=16 * 365 + 30)
        ),
        nationalities=["MM"],
    )
    _screen(boy, case_worker, [{"form": "ForcedBegging"}])
    _screen(
        girl,
        case_worker,
        [{"form": "Servitude", "industry": "T_ActivitiesOfHouseholdsAsEmployers"}],
    )

    # When the counts are taken
    with django_assert_max_num_queries(8):
        counts = screening_counts()

    # Then each overlooked group is visible
    assert counts["sex"] == {"male": 1, "female": 1}
    assert counts["age_band"] == {"6-11": 1, "15-17": 1}
    assert counts["national"] == {"national": 1, "non_national": 1}
    assert counts["disability"] == {"disability": 1, "no_disability": 1}
    assert counts["form"] == {"ForcedBegging": 1, "Servitude": 1}
    assert counts["outcome"] == {"presumed_victim": 2}

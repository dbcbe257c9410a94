from datetime import timedelta

from django.utils import timezone

from haven.cases.child_services import age_assessment_record
from haven.cases.services import case_register
from haven.children.models import Child
from tests.factories import child_fields


def test_display_name_follows_the_childs_name_order(case_worker, agency):
    case = case_register(
        actor=case_worker,
        agency=agency,
        child=child_fields(given_name="Sophea", family_name="Chan", family_name_first=True),
    )
    assert case.child.display_name == "Chan Sophea"
    case.child.family_name_first = False
    assert case.child.display_name == "Sophea Chan"


def test_id2_completed_assessment_sets_the_working_birth_date(case_worker, supervisor, agency):
    # Given a child whose age is disputed and unknown
    case = case_register(
        actor=case_worker,
        agency=agency,
        child=child_fields(age_status="disputed", birth_date=None, claims_adult=True),
    )
    assessed = timezone.localdate() - timedelta(days=16 * 365)

    # When a completed assessment finds the child under 18, with an assessed birth date
    age_assessment_record(
        case=case,
        actor=supervisor,
        method="Fictional multidisciplinary assessment",
        decided_by="Fictional panel",
        evidence="Fictional school record.",
        completed=True,
        result="child",
        assessed_birth_date=assessed,
    )

    # Then the child's record carries the determined age for every later measure
    child = Child.objects.get(pk=case.child_id)
    assert (child.age_status, child.birth_date, child.is_presumed_child) == (
        "determined",
        assessed,
        True,
    )

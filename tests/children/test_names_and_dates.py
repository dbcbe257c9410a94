"""Input a probe found accepted: a name of zero-width characters, bidirectional overrides that
make one name look like another, and an age assessment dated to the year 1 (issue 14, fault 6).
Each is refused with a message, or cleaned, and changes nothing else."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from haven.audit.models import AuditEvent
from haven.cases.child_services import age_assessment_record
from haven.cases.services import case_register
from haven.children.models import AgeAssessment, Child
from tests.factories import child_fields

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["\u200b\u200b\u200b", "\u200d", " \u2066\u2069 "])
def test_a_name_of_invisible_characters_is_refused_and_nothing_is_saved(case_worker, agency, name):
    before = (Child.objects.count(), AuditEvent.objects.count())

    with pytest.raises(ValidationError) as refused:
        case_register(actor=case_worker, agency=agency, child=child_fields(given_name=name))

    assert refused.value.message_dict["given_name"] == [
        "Write the name with letters the child would recognise."
    ]
    assert (Child.objects.count(), AuditEvent.objects.count()) == before


def test_bidirectional_overrides_are_removed_from_names_but_thai_zero_width_spaces_stay(
    case_worker, agency
):
    case = case_register(
        actor=case_worker,
        agency=agency,
        child=child_fields(given_name="\u202eMaya\u202c", family_name="สม\u200bใจ"),
    )

    child = Child.objects.get(pk=case.child_id)
    assert (child.given_name, child.family_name) == ("Maya", "สม\u200bใจ")


def test_an_age_assessment_dated_to_the_year_1_is_refused(case, supervisor):
    before = (AgeAssessment.objects.count(), AuditEvent.objects.count())

    with pytest.raises(ValidationError) as refused:
        age_assessment_record(
            case=case,
            actor=supervisor,
            method="Fictional document check",
            decided_by="Fictional Age Panel",
            evidence="Fictional birth certificate.",
            assessed_birth_date=date(1, 1, 1),
        )

    assert refused.value.message_dict["assessed_birth_date"] == [
        "Check the birth date: the year is too long ago."
    ]
    assert (AgeAssessment.objects.count(), AuditEvent.objects.count()) == before

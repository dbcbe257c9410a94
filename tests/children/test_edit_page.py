from datetime import timedelta

from django.utils import timezone

from haven.cases.child_services import age_assessment_record
from haven.children.models import Child
from tests.conftest import signed_in


def test_id2_editing_a_name_keeps_a_determined_age(client, case, case_worker, supervisor):
    # Given a completed age assessment that set the age
    assessed = timezone.localdate() - timedelta(days=15 * 365)
    age_assessment_record(
        case=case,
        actor=supervisor,
        method="Fictional assessment",
        decided_by="Fictional panel",
        evidence="Fictional records.",
        completed=True,
        result="child",
        assessed_birth_date=assessed,
    )
    signed_in(client, case_worker)
    page = client.get(f"/cases/{case.public_id}/child/").content.decode()
    assert "Set by a completed age assessment." in page

    # When the case worker fixes only the name (the age fields are not sent: they are disabled)
    response = client.post(
        f"/cases/{case.public_id}/child/",
        {
            "given_name": "Malee",
            "family_name": "Testchild",
            "sex": "female",
            "gender": "NonSpecifiedUnknown",
            "parental_care": "unknown",
            "language": "my",
            "nationality": "MM",
        },
    )

    # Then the name changes and the determined age stays
    assert response.status_code == 302
    child = Child.objects.get(pk=case.child_id)
    assert (child.given_name, child.age_status, child.birth_date) == (
        "Malee",
        "determined",
        assessed,
    )

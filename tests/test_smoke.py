from haven.audit.verify import verify_chain
from haven.cases.models import CaseAssignment


def test_cc9_registering_a_case_assigns_the_registrant_as_case_worker(case, case_worker):
    assignment = CaseAssignment.objects.get(case=case)
    assert (assignment.user, assignment.role, assignment.ended_at) == (
        case_worker,
        "case_worker",
        None,
    )
    assert case.alerts.count() == 0
    assert verify_chain() == []

from haven.accounts.roles import Role
from haven.cases.services import case_assign
from tests.conftest import signed_in
from tests.factories import staff

NOTE = "Fictional handover: prefers to talk in the afternoon, with the same interpreter."


def test_cc9_new_case_worker_reads_the_handover_note_on_the_case_page(
    client, case, agency, supervisor
):
    # Given a handover from the first case worker to a new one, with a note
    successor = staff(agency, Role.CASE_WORKER, username="successor")
    case_assign(case=case, actor=supervisor, user=successor, role="case_worker", handover_note=NOTE)

    # When the new case worker opens the case
    signed_in(client, successor)
    page = client.get(f"/cases/{case.public_id}/").content.decode()

    # Then the note is there, so the child need not tell their story again
    assert "1 change of case worker so far" in page
    assert NOTE in page


def test_dp1_interpreter_does_not_see_the_handover_note(
    client, case, agency, supervisor, assigned_interpreter
):
    successor = staff(agency, Role.CASE_WORKER, username="successor")
    case_assign(case=case, actor=supervisor, user=successor, role="case_worker", handover_note=NOTE)

    signed_in(client, assigned_interpreter)
    page = client.get(f"/cases/{case.public_id}/").content.decode()

    assert "1 change of case worker so far" in page
    assert NOTE not in page

"""The printable case summary (CC-9, DP-1, DP-3): a PDF of the case as its reader may see it,
with "Confidential", the reader's name and the date on every page, each printing logged."""

import io

import pytest
from pypdf import PdfReader

from haven.audit.models import AccessLog
from haven.cases.services import case_note_add
from haven.documents.services import document_attach
from tests.conftest import signed_in
from tests.documents.test_documents import small_pdf


def _pages(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]


@pytest.fixture
def busy_case(case, case_worker):  # type: ignore[no-untyped-def]
    # Enough notes to run over one page.
    for n in range(10):
        case_note_add(case=case, actor=case_worker, body=f"Fictional note {n}. " + "Words. " * 120)
    document_attach(
        case=case,
        actor=case_worker,
        kind="medical",
        sensitivity="health",
        title="Fictional hospital letter",
        data=small_pdf(),
    )
    return case


def test_cc9_the_summary_marks_every_page_with_confidential_reader_and_case(
    client, busy_case, case_worker
):  # type: ignore[no-untyped-def]
    url = f"/cases/{busy_case.public_id}/summary.pdf"
    response = signed_in(client, case_worker).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert busy_case.child.given_name not in response["Content-Disposition"]
    pages = _pages(response)
    assert len(pages) >= 2
    name = case_worker.get_full_name()
    for text in pages:
        assert "CONFIDENTIAL" in text and name in text and busy_case.reference in text
    whole = "\n".join(pages)
    assert "Fictional hospital letter" in whole and "Fictional note 9" in whole
    assert AccessLog.objects.filter(what="case.summary", user=case_worker).count() == 1


def test_dp1_the_summary_leaves_out_what_the_reader_may_not_read(
    client, busy_case, assigned_interpreter
):  # type: ignore[no-untyped-def]
    # The interpreter reads basics and identity: no note, no medical document.
    url = f"/cases/{busy_case.public_id}/summary.pdf"
    interpreted = "\n".join(_pages(signed_in(client, assigned_interpreter).get(url)))
    assert "CONFIDENTIAL" in interpreted and assigned_interpreter.get_full_name() in interpreted
    assert "Fictional note" not in interpreted and "Fictional hospital letter" not in interpreted


def test_dp1_the_summary_of_a_case_one_may_not_see_is_404(client, case, outsider):  # type: ignore[no-untyped-def]
    response = signed_in(client, outsider).get(f"/cases/{case.public_id}/summary.pdf")
    assert response.status_code == 404
    assert AccessLog.objects.filter(what="case.summary").count() == 0

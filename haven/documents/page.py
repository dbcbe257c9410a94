"""Documents' part of the case page (registered at ready()): the latest documents the reader
may see, and whether they may attach one."""

from typing import Any

from haven.accounts.roles import Capability
from haven.cases.access import can
from haven.cases.page import case_page_part
from haven.documents.selectors import documents_of

SHOWN = 5


@case_page_part
def documents_part(request: Any, case: Any, classes: frozenset[Any]) -> dict[str, Any]:
    documents = [d for d in documents_of(case, classes) if d.removed_at is None]
    return {
        "documents_part": "documents/case_part.html",
        "documents": documents[:SHOWN],
        "documents_more": max(0, len(documents) - SHOWN),
        "may_attach": can(request.user, Capability.ATTACH_DOCUMENT, case),
    }

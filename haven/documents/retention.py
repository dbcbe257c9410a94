"""Documents under the retention schedule (DP-8), registered at ready(): when a class expires
for a child, every document of that class on their cases is emptied like a removed one — its
file deleted after the job's transaction commits, its title gone, the row kept so the case's
history still says a document was there."""

from datetime import datetime

from django.db import transaction

from haven.cases.retention import FileEraser, file_eraser
from haven.core.sensitivity import Sensitivity
from haven.documents.models import Document, documents_storage

ERASED = "[erased]"


def _held(sensitivity: Sensitivity, case_ids: list[int]):  # type: ignore[no-untyped-def]
    return Document.objects.filter(case_id__in=case_ids, sensitivity=sensitivity).exclude(
        content=""
    )


def count(sensitivity: Sensitivity, case_ids: list[int]) -> int:
    return _held(sensitivity, case_ids).count()


def erase(sensitivity: Sensitivity, case_ids: list[int], now: datetime) -> int:
    rows = _held(sensitivity, case_ids)
    names = list(rows.values_list("content", flat=True))
    if not names:
        return 0
    # update() runs the encrypted field's own preparation: the title becomes "".
    erased = rows.update(content="", title="", removed_at=now, removed_reason=ERASED)
    storage = documents_storage()

    def delete_files() -> None:
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete_files)
    return erased


file_eraser(
    FileEraser(label="documents.Document.content", model=Document, count=count, erase=erase)
)

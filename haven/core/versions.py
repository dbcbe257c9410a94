"""Lost updates: two people editing the same record never silently overwrite each other.

A record's version is when it was last saved (`HavenModel.version`, no column of its own). An
edit form carries the version the person opened (`core.forms.VersionedForm`), the API the
`If-Match` header (`api.versions`); the service locks the row and calls `check_version` inside its
transaction, so that of two edits of the same version exactly one is saved and the other is
refused with `EditConflict`, which changes nothing. Without a version the edit proceeds, as
before (an old page, a client that does not send it)."""

from typing import Any

from haven.core.errors import EditConflict


def check_version(record: Any, expected: str | None) -> None:
    """Refuse the edit when the person opened another version of `record` than the one saved
    now. `record` is the row the service read under `select_for_update`, in its transaction:
    read before the lock, a concurrent save could slip in between the check and the write."""
    if not expected:
        return
    current = record.version
    if expected != current:
        raise EditConflict(changed_at=record.updated_at, current_version=current)

"""Where Haven's queries go when a PostgreSQL streaming replica is configured
(DATABASE_REPLICA_URL; config/settings.py adds the "replica" database and this router, and
docs/deployment.md, "Scaling out", says when to use one).

Every query goes to the primary ("default") but the reads that code marks with
`replica_reads()`: the statistics and the supervisor's dashboard, aggregates over all of an
agency's cases that a few seconds of replication lag cannot mislead. A case worker's own reads,
every access check and every write stay on the primary, so lag never hides from someone a write
they have just made, nor decides access on memberships that have changed. Within a marked block
reads go back to the primary once the block has written anything, and while a transaction of
the application's is open on the primary (its uncommitted writes are nowhere else).

Marks are kept in a context variable: each thread (gunicorn's gthread workers) and each task
has its own, so one request's mark never reaches another's queries.
"""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"


@dataclass
class _Block:
    """One outermost `replica_reads()` block: whether it has written yet."""

    wrote: bool = False


_block: ContextVar[_Block | None] = ContextVar("haven_replica_reads", default=None)


@contextmanager
def replica_reads() -> Iterator[None]:
    """Send the reads inside this block to the replica, when one is configured. For
    aggregates only: never wrap a read whose answer decides access, or one that must show a
    write just made. A nested block is part of the outer one."""
    if _block.get() is not None:
        yield
        return
    token = _block.set(_Block())
    try:
        yield
    finally:
        _block.reset(token)


def _in_transaction() -> bool:
    """Whether the application has a transaction open on the primary. The test suite's own
    wrapping transactions do not count: Django marks them, as it does for durable blocks."""
    blocks = getattr(connections[DEFAULT_DB_ALIAS], "atomic_blocks", [])
    return any(not getattr(block, "_from_testcase", False) for block in blocks)


class ReplicaRouter:
    """DATABASE_ROUTERS' entry when DATABASE_REPLICA_URL is set. `databases` stands in for
    settings.DATABASES (the tests' way to have no replica configured)."""

    def __init__(self, databases: Mapping[str, Any] | None = None) -> None:
        self.has_replica = REPLICA in (settings.DATABASES if databases is None else databases)

    def db_for_read(self, model: Any, **hints: Any) -> str:
        block = _block.get()
        if block is None or block.wrote or not self.has_replica or _in_transaction():
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model: Any, **hints: Any) -> str:
        block = _block.get()
        if block is not None:
            block.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # One database and its copy: an object read from either may refer to one from the other.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        # The replica follows the primary's schema through replication, never by migrating.
        return db == DEFAULT_DB_ALIAS

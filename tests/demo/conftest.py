"""One fictional demo, seeded once for every test in this package.

`manage.py seed_demo` writes through every service, so it takes a while; seeding it again for
each test cost about a minute a test. Here it is seeded once, inside a transaction that is rolled
back when the package's tests are done. Each test runs in a savepoint within it (pytest-django's
`django_db`), so what one test writes is gone before the next.
"""

from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction


@pytest.fixture(scope="package")
def demo(django_db_setup, django_db_blocker) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The demo as `make run` seeds it (seed 7); the value is what the command printed."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("seed_demo", "--seed", "7", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)

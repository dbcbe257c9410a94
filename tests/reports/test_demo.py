"""The demo has one authorised release and one waiting for the supervisor (DP-12)."""

import pytest

from haven.reports.models import Release
from haven.reports.services import is_authorised
from tests.core.test_seed_demo import seed


@pytest.mark.django_db
def test_dp12_demo_has_one_authorised_release_and_one_waiting() -> None:
    seed()

    releases = list(Release.objects.order_by("created_at", "pk"))
    assert [is_authorised(r) for r in releases] == [True, False]
    assert {r.requested_by.username for r in releases} == {"statistician"}
    assert all(r.purpose.startswith("Fictional") for r in releases)

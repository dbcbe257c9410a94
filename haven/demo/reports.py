"""Demo releases of statistics (fictional purposes), written through the services: one the
office's supervisor has authorised, and one still waiting for them (DP-12)."""

from typing import Any

from haven.reports.models import ReleaseFormat, Table
from haven.reports.services import release_authorise, release_request


def seed_releases(seeder: Any) -> None:
    statistician = seeder.users["statistician"]
    supervisor = seeder.users["supervisor"]
    authorised = release_request(
        actor=statistician,
        year=None,
        tables=list(Table.values),
        purpose="Fictional: yearly figures for the provincial anti-trafficking working group.",
        format=ReleaseFormat.CSV,
    )
    release_authorise(
        release=authorised, actor=supervisor, note="Fictional: checked with the team."
    )
    release_request(
        actor=statistician,
        year=None,
        tables=[Table.SEX, Table.AGE_BAND, Table.EXPLOITATION],
        purpose="Fictional: figures on boys and older teenagers for a training workshop.",
        format=ReleaseFormat.XLSX,
    )

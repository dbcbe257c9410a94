"""Every page the journeys visit fits a slow mobile link: at most 100 KB of HTML as sent with
gzip. Haven has no GZipMiddleware, so it answers `Accept-Encoding: gzip` uncompressed; the size
gzip would send is then measured here. This needs no browser (the journeys weigh what the
browser receives, too)."""

import gzip

from django.test import Client

from haven.accounts.roles import Role
from tests.conftest import signed_in
from tests.e2e.journey import (
    MAX_HTML_BYTES,
    PASSWORD,
    gzip_size,
    open_case,
    page_label,
    record_weight,
)
from tests.factories import interview, staff


def fetch(client: Client, url: str, data: dict | None = None):  # type: ignore[no-untyped-def]
    if data is None:
        return client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    return client.post(url, data, HTTP_ACCEPT_ENCODING="gzip")


def test_every_visited_page_is_at_most_100_kb_gzipped(office, kanya, orawan):
    case = open_case(kanya, office, "มะลิวัลย์", "ศรีสุขใจ", "Maliwan Srisukjai")
    interview(case, kanya)
    for n in range(30):  # a busy case worker's list
        open_case(kanya, office, f"เด็ก{n}", "ทดลอง", f"Child {n}")
    staff(office, Role.CASE_WORKER, username="thanakorn")
    anonymous, signed_in_worker = Client(), signed_in(Client(), kanya)
    half_signed_in = Client()
    half_signed_in.post("/accounts/login/", {"username": "orawan", "password": PASSWORD})
    supervisor = signed_in(Client(), orawan)
    case_url = f"/cases/{case.public_id}/"

    visits = [
        (anonymous, "/accounts/login/", None),
        (half_signed_in, "/accounts/verify/", None),
        (signed_in_worker, "/cases/", None),
        (signed_in_worker, "/cases/", {"q": "Maliwan"}),
        (signed_in_worker, "/cases/new/", None),
        (signed_in_worker, "/cases/new/", {"given_name": "", "birth_date": "2999-01-01"}),
        (signed_in_worker, case_url, None),
        (signed_in_worker, f"{case_url}interviews/new/", None),
        (supervisor, case_url, None),
        (supervisor, "/alerts/", None),
        (signed_in_worker, "/accounts/me/", None),
    ]
    for client, url, data in visits:
        response = fetch(client, url, data)
        assert response.status_code in (200, 400), url
        if response.get("Content-Encoding") == "gzip":
            size, raw = len(response.content), len(gzip.decompress(response.content))
        else:
            size, raw = gzip_size(response.content), len(response.content)
        label = page_label("GET" if data is None else "POST", url)
        record_weight(label, size, raw)
        assert size <= MAX_HTML_BYTES, f"{label}: {size} bytes gzipped"

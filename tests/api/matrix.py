"""One cell of an API access matrix (DP-1, DP-2, CC-7): what a caller gets from an endpoint of a
case, and that nothing else happened. Each area's table (tests/api/test_*_api.py) names its
endpoints as (method, path under /api/v1/cases/<id>/, setup, body) and the answer each caller
must get; this module sends the call and checks the answer the same way for every area."""

import uuid
from collections.abc import Callable
from typing import Any

from django.test import Client

from haven.audit.models import AccessLog

NOT_FOUND = {"error": {"code": "not_found", "message": "Not found."}}
DENIED = {
    "error": {
        "code": "permission_denied",
        "message": "You do not have permission to perform this action.",
    }
}
OK = "ok"  # 200 for a read, 200 or 201 for a write, and the write made its change

# (method, path under the case with {placeholders}, setup, body from the IDs the setup made)
Endpoint = tuple[str, str, Callable[..., dict[str, str]], Callable[[dict[str, str]], Any]]


def call(client: Client, case_id: str, endpoint: Endpoint, ids: dict[str, str], under: str = ""):  # type: ignore[no-untyped-def]
    method, path, _setup, body = endpoint
    url = f"/api/v1/cases/{case_id}/{under}" + path.format(**ids)
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, body(ids), content_type="application/json")


def check_cell(
    client: Client,
    *,
    case_id: str,
    endpoint: Endpoint,
    ids: dict[str, str],
    expected: Any,
    signed_in_as: Any,
    state: Callable[[], Any],
    logged: str | None,
    under: str = "",
) -> None:
    """Call `endpoint` of the case (below the area's path `under` it) as the client is signed
    in (`signed_in_as`, None when anonymous) and check the answer is `expected`: OK (a read
    changes nothing and is logged as `logged`; a write makes its change), or 403 or 404 with
    nothing changed and nothing logged. A 404 must be the very answer for a case that does not
    exist: forbidden looks missing."""
    before = state()
    reads = AccessLog.objects.count()

    response = call(client, case_id, endpoint, ids, under)

    is_read = endpoint[0] == "get"
    if expected == OK:
        assert response.status_code in ((200,) if is_read else (200, 201)), response.content
        if is_read:
            assert state() == before, "a read changed the database"
        else:
            assert state() != before, "the write did nothing"
        if logged is not None:
            assert AccessLog.objects.count() == reads + 1
            assert AccessLog.objects.latest("pk").what == logged
        elif is_read:
            assert AccessLog.objects.count() == reads
        return
    assert response.status_code == expected, response.content
    if expected == 403:
        code = "not_authenticated" if signed_in_as is None else "permission_denied"
        assert response.json()["error"]["code"] == code
    if expected == 404:
        assert response.json() == NOT_FOUND
        missing = call(client, str(uuid.uuid4()), endpoint, ids, under)
        assert (missing.status_code, missing.json()) == (404, NOT_FOUND)
    assert state() == before, "a refused call changed the database"
    assert AccessLog.objects.count() == reads, "a refused read was logged"

"""Lost updates in the API (haven.core.versions). Each record a caller may edit is sent with its
`version` (and, for one record, as the response's `ETag`); a client sends it back in `If-Match`
with its changes. When someone else saved the record since, the write is refused with HTTP 412
and the error envelope (code `edit_conflict`) and nothing is saved. Without `If-Match` (or with
`If-Match: *`) the write proceeds as before: clients should send it."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request
from rest_framework.response import Response

IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description='The `version` of the record you read, quoted: `If-Match: "<version>"`. When '
    "someone else saved the record since, the change is refused with 412 and nothing is saved "
    "(lost updates). Without it the change is saved whatever happened since: send it.",
)
ETAG = OpenApiParameter(
    "ETag",
    str,
    OpenApiParameter.HEADER,
    response=[200],
    description="The record's version, quoted: send it back in If-Match with a change.",
)
# The schema of a write that takes the version (haven.api.schema adds its 412).
VERSIONED = [IF_MATCH, ETAG]


def expected_version(request: Request) -> str | None:
    """The version the caller read, from `If-Match`; None when they sent none, or `*`."""
    raw = request.headers.get("If-Match", "").strip()
    if not raw or raw == "*":
        return None
    tags = [tag.strip() for tag in raw.split(",") if tag.strip()]
    if len(tags) != 1:
        raise ValidationError(
            {"If-Match": _('Send the one version you read: If-Match: "<version>".')}
        )
    tag = tags[0]
    # A weak tag (W/"...") is kept as it is: it never matches, as RFC 9110 compares If-Match
    # strongly. An unquoted version is taken as it is.
    if len(tag) >= 2 and tag[0] == tag[-1] == '"':
        return tag[1:-1]
    return tag


def with_version(response: Response, record: Any) -> Response:
    """The record's version as the response's ETag, to send back in If-Match."""
    if record.version:
        response["ETag"] = f'"{record.version}"'
    return response

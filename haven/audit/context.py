"""Where the current request came from, for audit rows (DP-3). Set by RequestContextMiddleware;
empty for management commands, which pass their actor explicitly like every caller does."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None = None
    channel: str = "system"  # "web", "api" or "system"


_current: ContextVar[RequestContext] = ContextVar(
    "haven_request_context",
    default=RequestContext(),  # noqa: B039 (frozen dataclass: immutable)
)


def current() -> RequestContext:
    return _current.get()


def set_current(ctx: RequestContext):  # type: ignore[no-untyped-def]
    return _current.set(ctx)


def reset(token) -> None:  # type: ignore[no-untyped-def]
    _current.reset(token)

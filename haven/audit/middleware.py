from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from haven.audit import context


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        channel = "api" if request.path.startswith("/api/") else "web"
        token = context.set_current(
            context.RequestContext(ip_address=request.META.get("REMOTE_ADDR"), channel=channel)
        )
        try:
            return self.get_response(request)
        finally:
            context.reset(token)

from collections.abc import Callable

from axes.helpers import get_client_ip_address
from django.http import HttpRequest, HttpResponse

from haven.audit import context


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        channel = "api" if request.path.startswith("/api/") else "web"
        # The same address django-axes locks out on (proxy-aware; see settings).
        ip_address = get_client_ip_address(request)
        token = context.set_current(context.RequestContext(ip_address=ip_address, channel=channel))
        try:
            return self.get_response(request)
        finally:
            context.reset(token)

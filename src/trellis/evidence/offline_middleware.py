"""Pages the offline worker keeps leave the CSRF cookie alone.

The service worker (``static/trellis/sw.js``) fetches a learner's pages in
the background, marked with ``OFFLINE_FETCH_HEADER``. A response that is
still on its way when the person signs out and in again would otherwise set
the old CSRF cookie over the new one, and the next form in the open tab
(the sign-in form, typically) would be refused. The kept pages do not need
the cookie: answers queued offline are sent with the cookie the browser
holds when it is back online."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

OFFLINE_FETCH_HEADER = "X-Trellis-Offline-Fetch"
_META_KEY = "HTTP_" + OFFLINE_FETCH_HEADER.upper().replace("-", "_")


class OfflineFetchKeepsCsrfCookie:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.META.get(_META_KEY) == "1":
            response.cookies.pop(settings.CSRF_COOKIE_NAME, None)
        return response

"""Requests carrying a NUL character are refused before any view runs.

PostgreSQL text cannot hold NUL, so a NUL in a query string, a form field or
a JSON string would otherwise reach the database as a 500. One check here
covers every page and endpoint; the answer names the problem. (The xAPI
Statements resource, which has its own error format, checks its bodies
itself.)"""

from __future__ import annotations

import re
from collections.abc import Callable

from csp.constants import HEADER as CSP_HEADER
from csp.middleware import CSPMiddleware
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

NUL_REFUSED = _("The request contains a NUL character (\\0), which Trellis does not accept.")
#: ``\u0000`` in JSON that is not itself an escaped backslash followed by "u0000".
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path or any(
        "\x00" in key or "\x00" in value for key, values in request.GET.lists() for value in values
    ):
        return True
    if request.method in ("GET", "HEAD", "OPTIONS") or request.path.startswith("/xapi/"):
        return False
    content_type = request.content_type or ""
    if content_type in _FORM_TYPES:
        return any(
            "\x00" in key or "\x00" in value
            for key, values in request.POST.lists()
            for value in values
        )
    if content_type == "application/json" or content_type.endswith("+json"):
        body = request.body
        return b"\x00" in body or bool(_JSON_NUL.search(body))
    return False


class RefuseNulCharacters:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": NUL_REFUSED}, status=400)
            return HttpResponse(
                str(NUL_REFUSED), status=400, content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)


class AccountLanguage:
    """The language a signed-in person chose (``User.language``) wins over
    the browser's and the cookie's, so the choice follows the account to
    every device. Runs after ``LocaleMiddleware`` and authentication; with
    no choice on the account, ``LocaleMiddleware``'s answer stands."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


#: The Content-Security-Policy of a JSON answer: data, never a page, so it
#: may load nothing and nobody may frame it.
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'"
#: What a view sets on its response to change django-csp's policy.
_CSP_OVERRIDES = ("_csp_config", "_csp_update", "_csp_replace", "_csp_exempt")


class ContentSecurityPolicy(CSPMiddleware):
    """django-csp's policy (``CONTENT_SECURITY_POLICY``) on every page; a
    JSON answer gets ``DATA_POLICY``, which is stricter and written as it is
    rather than built again from the settings for each response (the
    building was a twentieth of an API call's time: issue #18)."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        content_type = response.get("Content-Type", "").split(";", 1)[0].strip()
        if content_type.endswith(("/json", "+json")) and not any(
            hasattr(response, name) for name in _CSP_OVERRIDES
        ):
            if CSP_HEADER not in response:
                response[CSP_HEADER] = DATA_POLICY
            return response
        return super().process_response(request, response)

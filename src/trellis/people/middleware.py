"""Requests carrying a NUL character are refused before any view runs.

PostgreSQL text cannot hold NUL, so a NUL in a query string, a form field or
a JSON string would otherwise reach the database as a 500. One check here
covers every page and endpoint; the answer names the problem. (The xAPI
Statements resource, which has its own error format, checks its bodies
itself.)"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
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

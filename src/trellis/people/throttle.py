"""Throttling of failed sign-ins, built on django-axes (its database handler,
so every application process shares one count).

What Trellis adds to axes:

* the username is normalised (NFKC, then case-folded) before it is counted, so
  ``ＬＥＡＲＮＥＲ９３``, ``Learner93`` and ``learner93`` share one counter;
* the client address is ``REMOTE_ADDR`` unless that is one of the proxies named
  in ``TRELLIS_TRUSTED_PROXIES``; then it is the nearest address in
  ``X-Forwarded-For`` that is not itself a trusted proxy. Behind the documented
  proxy, fifty failures therefore count against the guesser, not against
  everyone;
* one username may fail ``LOGIN_THROTTLE_ATTEMPTS`` times in the window, one
  address ten times as many (a whole school may sit behind one NAT);
* attempts for one username are evaluated one at a time (a PostgreSQL advisory
  lock held while the count is read, the password checked and the failure
  recorded), so thirty concurrent guesses cannot all slip in before the first
  is counted.
"""

from __future__ import annotations

import hashlib
import ipaddress
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy

TOO_MANY_ATTEMPTS = gettext_lazy(
    "Too many failed sign-in attempts. Wait {minutes} minutes and try again, "
    "or ask your school to reset your password."
)
#: An address may fail this many times more often than one username.
ADDRESS_FACTOR = 10
#: AccessAttempt.username holds at most this many characters.
USERNAME_MAX = 255


def throttle_message() -> str:
    return TOO_MANY_ATTEMPTS.format(minutes=max(1, settings.LOGIN_THROTTLE_WINDOW_SECONDS // 60))


def normalise_username(username: object) -> str:
    """The form of a username that throttling counts: compatibility-composed
    (fullwidth letters become ASCII), case-folded, without NUL characters."""
    text = unicodedata.normalize("NFKC", str(username or "")).casefold().strip()
    return text.replace("\x00", "")[:USERNAME_MAX]


def axes_username(request: HttpRequest | None, credentials: dict | None) -> str:
    name = (credentials or {}).get("username")
    if name is None and request is not None:
        name = request.POST.get("username")
    return normalise_username(name)


def _networks(values: object) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    if isinstance(values, str):
        values = values.split(",")
    return [ipaddress.ip_network(v.strip(), strict=False) for v in values or [] if v.strip()]


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """The address a request came from, trusting ``X-Forwarded-For`` only when
    the connection itself comes from a configured trusted proxy."""
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return None
    trusted = _networks(settings.TRELLIS_TRUSTED_PROXIES)
    if not any(remote in net for net in trusted):
        return str(remote)
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    # Walk from the nearest hop outwards: each trusted proxy vouches for the
    # one before it; the first untrusted address is the client.
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break
        if not any(address in net for net in trusted):
            return str(address)
    return str(remote)


def failure_limit(request: HttpRequest, credentials: dict | None) -> int:
    return settings.LOGIN_THROTTLE_ATTEMPTS


class ThrottleHandler(AxesDatabaseHandler):
    """Axes's database handler with a higher limit per address than per
    username, and success clearing only the username's failures."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        by_username, by_address = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        return max(by_username, by_address // ADDRESS_FACTOR)

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        deleted, _ = AccessAttempt.objects.filter(
            username=axes_username(request, credentials)
        ).delete()
        return deleted


class ThrottleBackend(AxesStandaloneBackend):
    """Axes's check before any password is evaluated. Calls without a request
    (management commands, ``Client.login`` in tests) are not web sign-ins and
    are not throttled."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The page the person was on (the sign-in form already says what to do)
    with 429, or the message alone where there is no page."""
    if original_response is None:
        return HttpResponse(throttle_message(), status=429, content_type="text/plain")
    original_response.status_code = 429
    return original_response


def _lock_key(username: str) -> int:
    digest = hashlib.blake2b(username.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@contextmanager
def one_attempt_at_a_time(username: object) -> Iterator[None]:
    """Hold a transaction-scoped lock on the normalised username while an
    attempt is checked, evaluated and recorded (PostgreSQL; SQLite already
    serialises writers)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(%s)", [_lock_key(normalise_username(username))]
                )
        yield

"""Throttling of failed sign-ins, shared by every application process through
the database, so that password guessing slows to a crawl."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from trellis.people.models import FailedLogin

TOO_MANY_ATTEMPTS = (
    "Too many failed sign-in attempts. Wait {minutes} minutes and try again, "
    "or ask your school to reset your password."
)


def _window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=settings.LOGIN_THROTTLE_WINDOW_SECONDS)


def is_throttled(*, username: str, ip_address: str | None) -> bool:
    limit = settings.LOGIN_THROTTLE_ATTEMPTS
    recent = FailedLogin.objects.filter(at__gte=_window_start())
    if recent.filter(username__iexact=username).count() >= limit:
        return True
    # One address may be a whole school behind NAT: allow it more attempts.
    return bool(ip_address) and recent.filter(ip_address=ip_address).count() >= limit * 10


def record_failure(*, username: str, ip_address: str | None) -> None:
    FailedLogin.objects.create(username=username[:150], ip_address=ip_address or None)
    FailedLogin.objects.filter(at__lt=_window_start()).delete()


def clear_failures(*, username: str) -> None:
    FailedLogin.objects.filter(username__iexact=username).delete()


def throttle_message() -> str:
    return TOO_MANY_ATTEMPTS.format(minutes=max(1, settings.LOGIN_THROTTLE_WINDOW_SECONDS // 60))

"""In-app notifications: one row per recipient, read on the list page.

A notification is stored as text, so it is written in each recipient's
language when it is sent: callers pass a ``gettext_lazy`` message with
``%(name)s`` placeholders and its parameters, and each recipient's copy is
rendered inside ``translation.override`` of their account's language (the
site's default when they have not chosen one)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.functional import Promise

from trellis.personalization.models import Notification

if TYPE_CHECKING:
    from trellis.people.models import User


def notification_text(
    *, text: str | Promise, params: Mapping[str, object] | None = None, language: str
) -> str:
    """The message in ``language``; lazy parameters (choice labels, other
    messages) are translated too."""
    with translation.override(language):
        if params is None:
            return str(text)
        return str(text) % {k: str(v) for k, v in params.items()}


def notification_send(
    *,
    recipients: Iterable[User],
    text: str | Promise,
    params: Mapping[str, object] | None = None,
    url: str = "",
) -> int:
    rows = [
        Notification(
            recipient=u,
            text=notification_text(
                text=text, params=params, language=u.language or settings.LANGUAGE_CODE
            )[:300],
            url=url,
        )
        for u in {u.pk: u for u in recipients}.values()
    ]
    Notification.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def notifications_mark_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )

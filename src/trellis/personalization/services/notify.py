"""In-app notifications: one row per recipient, read on the list page."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from trellis.people.models import User
from trellis.personalization.models import Notification


def notification_send(*, recipients: Iterable[User], text: str, url: str = "") -> int:
    rows = [
        Notification(recipient=u, text=text[:300], url=url)
        for u in {u.pk: u for u in recipients}.values()
    ]
    Notification.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def notifications_mark_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )

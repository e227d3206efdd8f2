"""The caller's notifications."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from trellis.personalization import selectors

router = Router()


@router.get(
    "/network/notifications", response=list[dict], summary="Your notifications, newest first"
)
def notifications(request: HttpRequest):
    return [
        {
            "text": n.text,
            "url": n.url,
            "created_at": n.created_at.isoformat(),
            "read": n.read_at is not None,
        }
        for n in selectors.notifications_of(request.user)
    ]


@router.post(
    "/network/notifications/read", response=dict, summary="Mark all your notifications read"
)
def notifications_read(request: HttpRequest):
    from trellis.personalization.services.notify import notifications_mark_read

    return {"marked": notifications_mark_read(user=request.user)}

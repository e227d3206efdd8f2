"""The offline pack: what a learner's device keeps for use without a connection."""

from __future__ import annotations

from dataclasses import asdict

from django.conf import settings
from django.http import HttpRequest
from ninja import Router

from trellis.api.routers.evidence.schemas import OfflinePackOut
from trellis.evidence import selectors
from trellis.evidence.practice import practice_pack_for_learner, seen_in_session

router = Router()


@router.get(
    "/offline-pack",
    response=OfflinePackOut,
    summary="Your open assessments' and next practice questions' pages to keep for offline use",
)
def offline_pack(request: HttpRequest):
    """What the service worker caches for the caller (their own started,
    open attempts' remaining questions, as rendered for them), and the size
    budget it must keep to."""
    return OfflinePackOut(
        budget_bytes=settings.TRELLIS_OFFLINE_BUDGET_BYTES,
        entries=[asdict(e) for e in selectors.offline_pack_for_learner(request.user)],
        practice=[
            asdict(e)
            for e in practice_pack_for_learner(
                request.user, seen_in_session(getattr(request, "session", None))
            )
        ],
    )

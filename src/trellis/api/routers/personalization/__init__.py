"""Personalization endpoints: profiles, goals, proposals, reflections,
portfolio and network. Each fetches through personalization's access rules
and writes through its services, exactly as the pages do.

One module per resource; their schemas in ``schemas``."""

from __future__ import annotations

from ninja import Router

from trellis.api.routers.personalization import (
    feedback,
    goals,
    help_requests,
    network,
    notifications,
    portfolio,
    profiles,
    proposals,
    reflections,
)

router = Router(tags=["personalization"])
router.add_router("", profiles.router)
router.add_router("", goals.router)
router.add_router("", proposals.router)
router.add_router("", reflections.router)
router.add_router("", portfolio.router)
router.add_router("", network.router)
router.add_router("", help_requests.router)
router.add_router("", feedback.router)
router.add_router("", notifications.router)

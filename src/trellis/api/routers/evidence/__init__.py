"""Evidence endpoints: assessments and attempts, responses (idempotent via
the ``Idempotency-Key`` header), rubric scores and mastery.

One module per resource; their schemas in ``schemas``."""

from __future__ import annotations

from ninja import Router

from trellis.api.routers.evidence import assessments, mastery, offline, responses

router = Router(tags=["evidence"])
router.add_router("", assessments.router)
router.add_router("", responses.router)
router.add_router("", offline.router)
router.add_router("", mastery.router)

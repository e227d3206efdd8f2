"""Individualization endpoints: individual plans (objectives, supports,
progress, versions, the read log, summative reports) under
``/individual-plans`` and own-pace modules under ``/modules``. Every read of
a plan is logged, exactly as on the pages.

One module per resource; their schemas in ``schemas``."""

from __future__ import annotations

from ninja import Router

from trellis.api.routers.individualization import modules, objectives, plans, reports, supports

router = Router(tags=["individualization"])
router.add_router("", reports.router)
router.add_router("", plans.router)
router.add_router("", objectives.router)
router.add_router("", supports.router)
router.add_router("", modules.router)

"""Differentiation endpoints: groupings (suggest, save, move, regroup,
history), group plans and station rotations, before-the-lesson and the live
lesson flags. Everything the differentiation pages do.

One module per resource; their schemas in ``schemas``."""

from __future__ import annotations

from ninja import Router

from trellis.api.routers.differentiation import group_plans, groupings, live

router = Router(tags=["differentiation"])
router.add_router("", groupings.router)
router.add_router("", live.router)
router.add_router("", group_plans.router)

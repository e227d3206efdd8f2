"""Template filters for the personalization pages."""

from __future__ import annotations

from django import template

from trellis.engine.goals import Projection
from trellis.engine.recommend import Recommendation
from trellis.personalization.words import projection_message, recommendation_reason

register = template.Library()


@register.filter
def reason(rec: Recommendation) -> str:
    """A recommendation's reason in the reader's language."""
    return recommendation_reason(rec)


@register.filter
def projection_said(projection: Projection) -> str:
    """A goal projection's message in the reader's language."""
    return projection_message(projection)

"""Template filters for the personalization pages."""

from __future__ import annotations

from django import template

from trellis.engine.recommend import Recommendation
from trellis.personalization.words import recommendation_reason

register = template.Library()


@register.filter
def reason(rec: Recommendation) -> str:
    """A recommendation's reason in the reader's language."""
    return recommendation_reason(rec)

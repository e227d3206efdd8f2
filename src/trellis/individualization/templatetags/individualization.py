"""Template filters for the accommodation note shown beside an item."""

from __future__ import annotations

from django import template

from trellis.individualization.constants import ACCOMMODATIONS

register = template.Library()


@register.filter
def accommodation_labels(values) -> str:
    return "; ".join(ACCOMMODATIONS[a].split(" (")[0] for a in ACCOMMODATIONS if a in values)


@register.filter
def minutes_allowed(attempt) -> str:
    """The attempt's time allowance in minutes (its deadline minus its start)."""
    if not attempt.due_at:
        return ""
    minutes = (attempt.due_at - attempt.started_at).total_seconds() / 60
    return f"{minutes:g}" if minutes == int(minutes) else f"{minutes:.1f}"


@register.filter
def number(value) -> str:
    """A measured value as people write it: 31, 13.5, 0.627 (at most three
    decimals, no trailing zeros)."""
    if value is None or value == "":
        return ""
    return f"{round(float(value), 3):g}"

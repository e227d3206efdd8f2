"""A plan's history read back from django-reversion (decision 0014).

Each save of a plan is one reversion revision holding the plan, its
objectives and its supports as they were saved (and, for a removal, what was
removed with its measurements or sessions). This module turns such a
revision into the plain JSON the versions table compares and the API has
always answered with; nothing is stored beside the library's own versions.
The phrases that say what changed between two of these are
``services.plans.describe_changes``.
"""

from __future__ import annotations

from django.core import serializers
from reversion.models import Version

from trellis.individualization.models import (
    REMOVED_OBJECTIVE,
    REMOVED_SUPPORT,
    IndividualPlan,
    IndividualPlanVersion,
    Measurement,
    SpecificObjective,
    Support,
    SupportSession,
)


def _stored(version: Version) -> tuple[object, dict]:
    """The model instance (unsaved) a version holds and its many-to-many ids.
    Read with Django's deserializer as reversion does, without reversion's
    content-type lookups, so reading a history costs no query per version."""
    found = next(
        iter(
            serializers.deserialize(version.format, version.serialized_data, ignorenonexistent=True)
        )
    )
    return found.object, found.m2m_data or {}


def objective_state(o: SpecificObjective, competency_ids: list[int]) -> dict:
    return {
        "id": o.pk,
        "statement": o.statement,
        "competencies": sorted(competency_ids),
        "method": o.method,
        "unit": o.unit,
        "baseline": [o.baseline_date.isoformat(), o.baseline_value],
        "target": [o.target_date.isoformat(), o.target_value],
    }


def support_state(s: Support) -> dict:
    return {
        "id": s.pk,
        "kind": s.kind,
        "provider": s.provider,
        "focus": s.focus,
        "planned_minutes_per_week": s.planned_minutes_per_week,
    }


def revision_snapshot(record: IndividualPlanVersion) -> dict:
    """Everything the plan said at this version, with what the save removed
    (and its measurements or logged sessions) under ``removed``."""
    plan = None
    objectives: list[tuple[SpecificObjective, list[int]]] = []
    supports: list[Support] = []
    measurements: list[Measurement] = []
    sessions: list[SupportSession] = []
    # Versions are written in the order they were added: the measurements
    # and sessions of a removal by date, as the plan page lists them.
    for version in sorted(record.revision.version_set.all(), key=lambda v: v.pk):
        obj, m2m = _stored(version)
        if isinstance(obj, IndividualPlan):
            plan = obj
        elif isinstance(obj, SpecificObjective):
            objectives.append((obj, list(m2m.get("competencies", []))))
        elif isinstance(obj, Support):
            supports.append(obj)
        elif isinstance(obj, Measurement):
            measurements.append(obj)
        elif isinstance(obj, SupportSession):
            sessions.append(obj)
    if plan is None:  # pragma: no cover - every revision records its plan
        return {}
    gone = record.removed_id
    state: dict = {
        "title": plan.title,
        "summary": plan.summary,
        "accommodations": list(plan.accommodations),
        "time_multiplier": plan.time_multiplier,
        "review_dates": list(plan.review_dates),
        "responsible": plan.responsible_id,
        "responsible_note": plan.responsible_note,
        "status": plan.status,
        "objectives": [
            objective_state(o, ids)
            for o, ids in sorted(objectives, key=lambda pair: pair[0].pk)
            if not (record.removed_kind == REMOVED_OBJECTIVE and o.pk == gone)
        ],
        "supports": [
            support_state(s)
            for s in sorted(supports, key=lambda s: s.pk)
            if not (record.removed_kind == REMOVED_SUPPORT and s.pk == gone)
        ],
    }
    if record.removed_kind == REMOVED_OBJECTIVE:
        for o, ids in objectives:
            if o.pk == gone:
                state["removed"] = {
                    "objective": objective_state(o, ids)
                    | {"measurements": [[m.on.isoformat(), m.value, m.note] for m in measurements]}
                }
    elif record.removed_kind == REMOVED_SUPPORT:
        for s in supports:
            if s.pk == gone:
                state["removed"] = {
                    "support": support_state(s)
                    | {"sessions": [[x.on.isoformat(), x.minutes, x.note] for x in sessions]}
                }
    return state

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

import json

from reversion.models import Version

from trellis.individualization.models import (
    REMOVED_OBJECTIVE,
    REMOVED_SUPPORT,
    IndividualPlanVersion,
)

#: Django's model labels of what a plan's revision holds.
PLAN, OBJECTIVE, SUPPORT = (
    "individualization.individualplan",
    "individualization.specificobjective",
    "individualization.support",
)
MEASUREMENT, SESSION = "individualization.measurement", "individualization.supportsession"


def _stored(version: Version) -> tuple[str, object, dict]:
    """The model label, primary key and fields a version holds, read from
    Django's JSON serialization (reversion's format for these models; decision
    0014). Its values are already what the snapshot says: dates as ISO
    strings, foreign keys and many-to-many as ids. Reading the JSON rather
    than building model instances keeps a long history cheap to show."""
    [data] = json.loads(version.serialized_data)
    return data["model"], data.get("pk"), data["fields"]


def objective_state(pk: object, f: dict) -> dict:
    return {
        "id": pk,
        "statement": f["statement"],
        "competencies": sorted(f.get("competencies", [])),
        "method": f["method"],
        "unit": f["unit"],
        "baseline": [f["baseline_date"], f["baseline_value"]],
        "target": [f["target_date"], f["target_value"]],
    }


def support_state(pk: object, f: dict) -> dict:
    return {
        "id": pk,
        "kind": f["kind"],
        "provider": f["provider"],
        "focus": f["focus"],
        "planned_minutes_per_week": f["planned_minutes_per_week"],
    }


def revision_snapshot(record: IndividualPlanVersion) -> dict:
    """Everything the plan said at this version, with what the save removed
    (and its measurements or logged sessions) under ``removed``."""
    plan: dict | None = None
    objectives: dict[object, dict] = {}
    supports: dict[object, dict] = {}
    measurements: list[list] = []
    sessions: list[list] = []
    # Versions are written in the order they were added: the measurements
    # and sessions of a removal by date, as the plan page lists them.
    for version in sorted(record.revision.version_set.all(), key=lambda v: v.pk):
        model, pk, f = _stored(version)
        if model == PLAN:
            plan = f
        elif model == OBJECTIVE:
            objectives[pk] = objective_state(pk, f)
        elif model == SUPPORT:
            supports[pk] = support_state(pk, f)
        elif model == MEASUREMENT:
            measurements.append([f["on"], f["value"], f["note"]])
        elif model == SESSION:
            sessions.append([f["on"], f["minutes"], f["note"]])
    if plan is None:  # pragma: no cover - every revision records its plan
        return {}
    state: dict = {
        key: plan[key]
        for key in (
            "title", "summary", "accommodations", "time_multiplier", "review_dates",
            "responsible", "responsible_note", "status",
        )
    }  # fmt: skip
    removed = None
    if record.removed_kind == REMOVED_OBJECTIVE and record.removed_id in objectives:
        removed = {"objective": objectives.pop(record.removed_id) | {"measurements": measurements}}
    elif record.removed_kind == REMOVED_SUPPORT and record.removed_id in supports:
        removed = {"support": supports.pop(record.removed_id) | {"sessions": sessions}}
    state["objectives"] = [objectives[k] for k in sorted(objectives)]
    state["supports"] = [supports[k] for k in sorted(supports)]
    if removed:
        state["removed"] = removed
    return state

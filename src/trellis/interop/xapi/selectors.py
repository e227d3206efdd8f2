"""Reading stored statements for pages and the API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Max, QuerySet

from trellis.interop.models import XapiStatement
from trellis.people.selectors import learners_visible_to, people_by_id

if TYPE_CHECKING:
    from trellis.people.models import User

#: At most this many learners are listed on the outside-activity overview.
OVERVIEW_LIMIT = 200


def statements_for_learner(learner: User) -> QuerySet[XapiStatement]:
    """Newest first, with the tool and the evidence each became."""
    return (
        XapiStatement.objects.filter(learner=learner)
        .select_related("credential", "response__item")
        .order_by("-stored_at", "-pk")
    )


@dataclass(frozen=True)
class ActivityRow:
    """One statement as a person reads it."""

    when: str
    tool: str
    verb: str
    activity: str
    outcome: str
    evidence: bool
    note: str


def _label(node: dict, key: str) -> str:
    names = node.get(key) or {}
    if isinstance(names, dict) and names:
        return str(names.get("en-US") or next(iter(names.values())))
    return ""


def _item_label(statement: XapiStatement) -> str:
    if statement.response is None:
        return ""
    return f"“{statement.response.item.prompt[:80]}”"


def activity_row(statement: XapiStatement) -> ActivityRow:
    data = statement.data
    verb = (
        _label(data.get("verb", {}), "display") or statement.verb_id.rstrip("/").rsplit("/", 1)[-1]
    )
    definition = data.get("object", {}).get("definition", {})
    activity = _label(definition, "name") if isinstance(definition, dict) else ""
    result = data.get("result", {})
    parts = []
    if "success" in result:
        parts.append("succeeded" if result["success"] else "not yet")
    if "scaled" in result.get("score", {}):
        parts.append(f"score {round(result['score']['scaled'] * 100)}%")
    if "completion" in result:
        parts.append("completed" if result["completion"] else "not completed")
    if statement.response is not None and statement.response.correct is not None:
        parts.append("correct" if statement.response.correct else "incorrect")
    timestamp = data.get("timestamp") or data.get("stored", "")
    return ActivityRow(
        when=str(timestamp)[:16].replace("T", " "),
        tool=statement.credential.name if statement.credential else "",
        verb=verb,
        activity=activity or _item_label(statement) or statement.activity_id,
        outcome=", ".join(parts),
        evidence=statement.response_id is not None,
        note=statement.note,
    )


@dataclass(frozen=True)
class LearnerActivity:
    """One learner on the overview: how many statements tools sent about
    them, how many counted as evidence, and when the latest arrived."""

    learner: User
    statements: int
    evidence: int
    latest: dt.datetime


def learners_with_activity(user: User) -> list[LearnerActivity]:
    """The learners ``user`` may see who have any outside activity, the
    most recent first (at most ``OVERVIEW_LIMIT``). Two queries."""
    counts = list(
        XapiStatement.objects.filter(learner__in=learners_visible_to(user))
        .values("learner_id")
        .annotate(statements=Count("pk"), evidence=Count("response"), latest=Max("stored_at"))
        .order_by("-latest", "learner_id")[:OVERVIEW_LIMIT]
    )
    learners = people_by_id([c["learner_id"] for c in counts])
    return [
        LearnerActivity(
            learner=learners[c["learner_id"]],
            statements=c["statements"],
            evidence=c["evidence"],
            latest=c["latest"],
        )
        for c in counts
    ]

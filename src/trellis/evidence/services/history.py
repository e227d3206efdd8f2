"""Recording mastery history (``MasteryChange``): the writers of mastery
records call these around their writes, so each change of a learner's level
on a competency is kept with its cause — an answer, a correction, a refit.
Only changes of level are kept (a probability that moves within a level is
not a change a family or a teacher reads as news)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils import timezone

from trellis.evidence.models import MasteryChange, MasteryRecord
from trellis.evidence.models import mastery_state as lv
from trellis.evidence.models.history import CAUSE_ANSWER, CAUSE_CORRECTION, CAUSE_REFIT

__all__ = [
    "CAUSE_ANSWER",
    "CAUSE_CORRECTION",
    "CAUSE_REFIT",
    "NONE",
    "Snapshot",
    "State",
    "changes_record",
    "snapshot",
]


@dataclass(frozen=True)
class State:
    level: str
    probability: float


#: (learner id, competency id) -> the record's level and probability.
Snapshot = dict[tuple[int, int], State]

NONE = State(lv.NOT_STARTED, 0.0)


def snapshot(
    *, learner_ids: Iterable[int], competency_ids: Iterable[int] | None = None
) -> Snapshot:
    """The current level and probability of these learners' records (on
    these competencies, or all), one query. Missing records are absent."""
    qs = MasteryRecord.objects.filter(learner_id__in=set(learner_ids))
    if competency_ids is not None:
        qs = qs.filter(competency_id__in=set(competency_ids))
    return {
        (lid, cid): State(level, probability)
        for lid, cid, level, probability in qs.values_list(
            "learner_id", "competency_id", "level", "probability"
        )
    }


def changes_record(
    *,
    before: Mapping[tuple[int, int], State],
    after: Mapping[tuple[int, int], State],
    cause: str,
    response_id: int | None = None,
    at: dt.datetime | None = None,
) -> list[MasteryChange]:
    """Store a ``MasteryChange`` for each (learner, competency) whose level
    differs between ``before`` and ``after`` (a missing record counts as not
    started), in one statement."""
    at = at or timezone.now()
    rows = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key, NONE), after.get(key, NONE)
        if old.level == new.level:
            continue
        rows.append(
            MasteryChange(
                learner_id=key[0],
                competency_id=key[1],
                from_level=old.level,
                to_level=new.level,
                from_probability=old.probability,
                to_probability=new.probability,
                cause=cause,
                response_id=response_id,
                changed_at=at,
            )
        )
    if rows:
        MasteryChange.objects.bulk_create(rows, batch_size=2000)
    return rows

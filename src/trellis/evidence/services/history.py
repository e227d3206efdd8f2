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
from trellis.evidence.models.history import CAUSE_ANSWER, CAUSE_CORRECTION, CAUSE_REFIT
from trellis.evidence.models.mastery_state import NOT_STARTED
from trellis.people import handwritten

__all__ = [
    "CAUSE_ANSWER",
    "CAUSE_CORRECTION",
    "CAUSE_REFIT",
    "NONE",
    "Snapshot",
    "State",
    "change_rows",
    "changes_record",
    "changes_store",
    "history_rebuild",
    "snapshot",
]


@dataclass(frozen=True)
class State:
    level: str
    probability: float


#: (learner id, competency id) -> the record's level and probability.
Snapshot = dict[tuple[int, int], State]

NONE = State(NOT_STARTED, 0.0)


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


def change_rows(
    *,
    before: Mapping[tuple[int, int], State],
    after: Mapping[tuple[int, int], State],
    cause: str,
    response_id: int | None = None,
    at: dt.datetime | None = None,
) -> list[MasteryChange]:
    """A ``MasteryChange``, not yet stored, for each (learner, competency)
    whose level differs between ``before`` and ``after`` (a missing record
    counts as not started)."""
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
    return rows


def changes_record(
    *,
    before: Mapping[tuple[int, int], State],
    after: Mapping[tuple[int, int], State],
    cause: str,
    response_id: int | None = None,
    at: dt.datetime | None = None,
) -> list[MasteryChange]:
    """Store the :func:`change_rows` in one statement (hand-written for the
    few an answer makes, ``handwritten.insert_rows``; their primary keys are
    not read back)."""
    rows = change_rows(before=before, after=after, cause=cause, response_id=response_id, at=at)
    changes_store(rows)
    return rows


def changes_store(rows: list[MasteryChange]) -> None:
    """Store changes made by :func:`change_rows`, in one statement."""
    if len(rows) > handwritten.INSERT_ROWS_AT_MOST:
        MasteryChange.objects.bulk_create(rows, batch_size=2000)
    else:
        handwritten.insert_rows(rows)


def history_rebuild(*, school_id: int) -> int:
    """Rebuild the school's mastery history from its evidence: replay each
    learner's effective evidence on each competency in time order through
    the school's current model, and keep each change of level as caused by
    the answer that made it, dated when it was given. Replaces the school's
    learners' earlier history; returns the number of changes. For evidence
    that arrived in bulk (an import, the demo's simulation), whose records
    were computed by a refit."""
    from trellis.evidence import mastery
    from trellis.evidence.models import Response
    from trellis.evidence.models.response import ANSWER_ORDER
    from trellis.evidence.services.mastery import competency_ids_by_item, effective_outcomes

    model = mastery.model_for_school(school_id)
    responses = Response.objects.filter(school_id=school_id)
    outcomes = effective_outcomes(responses)
    rows = list(
        responses.filter(corrections__isnull=True)
        .order_by(*ANSWER_ORDER)
        .values_list("pk", "recorded_at")
    )
    by_item = competency_ids_by_item(o[1] for o in outcomes)
    engine = model.engine
    states: dict[tuple[int, int], object] = {}
    levels: dict[tuple[int, int], State] = {}
    changes = []
    for learner_id, item_id, correct, order in outcomes:
        response_id, at = rows[order]
        for cid in by_item[item_id]:
            key = (learner_id, cid)
            if key not in states:
                states[key] = engine.init_state()
            state = states[key]
            engine.update(state, str(cid), bool(correct))
            p = float(engine.mastery(state, str(cid)))
            new = State(mastery.level_for(p, int(engine.attempts(state, str(cid)))), p)
            old = levels.get(key, NONE)
            if new.level != old.level:
                changes.append(
                    MasteryChange(
                        learner_id=learner_id,
                        competency_id=cid,
                        from_level=old.level,
                        to_level=new.level,
                        from_probability=old.probability,
                        to_probability=new.probability,
                        cause=CAUSE_ANSWER,
                        response_id=response_id,
                        changed_at=at,
                    )
                )
            levels[key] = new
    MasteryChange.objects.filter(learner_id__in={k[0] for k in levels}).delete()
    MasteryChange.objects.bulk_create(changes, batch_size=2000)
    return len(changes)

"""Recording many answers as evidence at once: the bulk equivalent of
``evidence.services.response_record``, for the xAPI resource (interop), which
records through here since only evidence writes its tables (issue #21).

It does what ``response_record`` does — score the answer with the item's
key, append a :class:`~trellis.evidence.models.Response` (source
``import``, idempotency key ``xapi-<statement id>``), and apply the online
mastery update to each of the item's competencies with the record locked —
but for a whole request in a handful of queries instead of about ten per
statement, so that a tool sending hundreds of statements a second does not
queue up. Mastery records are locked and written through the evidence app's
``lock_record_pairs`` / ``save_record_rows`` (the same SQL module as
``response_record``), in (learner, competency) order, so two workers never
wait on each other in a cycle. Mastery stays derived state: a replay from
the responses (``mastery_recompute``) gives the same records.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from trellis.curriculum.scoring import score_answer
from trellis.curriculum.selectors import competency_ids_by_item
from trellis.evidence import mastery
from trellis.evidence.constants import SOURCE_IMPORT
from trellis.evidence.models import MasteryRecord, Response
from trellis.evidence.services import history
from trellis.evidence.services.mastery import (
    lock_learner_states,
    lock_record_pairs,
    mastery_recompute,
    save_learner_states,
    save_record_rows,
)
from trellis.evidence.services.responses import MAX_TIME_ON_ITEM_MS

if TYPE_CHECKING:
    from trellis.people.models import School, User

if TYPE_CHECKING:
    from trellis.curriculum.models import Item


@dataclass
class Answer:
    """One answer to record: ``key`` is its idempotency key."""

    learner: User
    item: Item
    answer: str
    key: str
    time_ms: int
    at: dt.datetime
    response: Response | None = None
    note: str = ""


def responses_record_batch(
    *,
    school: School,
    answers: list[Answer],
    competencies: dict[int, list[int]] | None = None,
    check_existing: bool = True,
) -> None:
    """Score, append and apply ``answers`` (in order); sets each one's
    ``response``, or its ``note`` when the answer cannot be read. Call inside
    a transaction (not atomic itself: a savepoint per request is a round
    trip the xAPI resource does not need).

    ``competencies`` (item id → competency ids) saves reading the links of
    the items it covers. With ``check_existing=False`` the caller knows the
    idempotency keys are new (no query for them); if one is not, the insert
    fails with ``IntegrityError`` and the caller tries again checking."""
    if not answers:
        return
    already = (
        {
            (response.learner_id, response.idempotency_key): response
            for response in Response.objects.filter(
                learner_id__in={a.learner.pk for a in answers},
                idempotency_key__in={a.key for a in answers},
            )
        }
        if check_existing
        else {}
    )
    fresh: list[Answer] = []
    for a in answers:
        if (a.learner.pk, a.key) in already:
            a.response = already[(a.learner.pk, a.key)]
            continue
        try:
            scored = score_answer(a.item, a.answer)
        except ValidationError as error:
            a.note = f"not evidence: {' '.join(error.messages)}"[:200]
            continue
        a.response = Response(
            school=school,
            learner=a.learner,
            item=a.item,
            source=SOURCE_IMPORT,
            answer=scored.answer,
            correct=scored.correct,
            score=scored.score,
            time_on_item_ms=max(0, min(a.time_ms, MAX_TIME_ON_ITEM_MS)),
            idempotency_key=a.key,
            recorded_by=a.learner,
            recorded_at=a.at,
        )
        fresh.append(a)
    if not fresh:
        return
    Response.objects.bulk_create([a.response for a in fresh])
    _apply(school, [a.response for a in fresh if a.response.correct is not None], competencies)


def _apply(school: School, responses: list[Response], known: dict[int, list[int]] | None) -> None:
    if not responses:
        return
    by_item: dict[int, list[int]] = defaultdict(list)
    unknown = set()
    for x in responses:
        if known is not None and x.item_id in known:
            by_item[x.item_id] = list(known[x.item_id])
        else:
            unknown.add(x.item_id)
    if unknown:
        for item_id, cids in competency_ids_by_item(unknown).items():
            by_item[item_id].extend(cids)
    pairs = {(x.learner_id, cid) for x in responses for cid in by_item[x.item_id]}
    if not pairs:
        return
    model = mastery.model_for_school(school.pk)
    if model.per_learner:
        _apply_per_learner(school, model, responses, by_item, pairs)
        return
    records = lock_record_pairs(pairs)
    before = history.snapshot(
        learner_ids={lid for lid, _ in pairs}, competency_ids={cid for _, cid in pairs}
    )
    state = {key: record.state for key, record in records.items()}
    correct = {key: record.correct for key, record in records.items()}
    latest: dict[tuple[int, int], mastery.Estimate] = {}
    for x in sorted(responses, key=lambda x: (x.recorded_at, x.pk)):
        for cid in sorted(by_item[x.item_id]):
            key = (x.learner_id, cid)
            latest[key] = mastery.update(model, state[key], str(cid), bool(x.correct))
            state[key] = latest[key].state
            correct[key] += int(bool(x.correct))
    save_record_rows([(*key, estimate, correct[key]) for key, estimate in sorted(latest.items())])
    history.changes_record(
        before={key: before[key] for key in latest if key in before},
        after={key: history.State(e.level, e.probability) for key, e in latest.items()},
        cause=history.CAUSE_ANSWER,
        at=max(x.recorded_at for x in responses),
    )


def _apply_per_learner(
    school: School,
    model: mastery.SchoolModel,
    responses: list[Response],
    by_item: dict[int, list[int]],
    pairs: set[tuple[int, int]],
) -> None:
    """The same for a model whose state spans a learner's skills: lock the
    learners' states, then their records; one update per answer with all of
    its competencies. A learner whose state was built by another fit is
    rebuilt from their evidence (these statements are already inserted)."""
    stored = lock_learner_states({x.learner_id for x in responses})
    stale = {
        who for who, state in stored.items() if not mastery.learner_state_is_current(model, state)
    }
    fresh = {x.learner_id for x in responses} - stale
    # An answer moves every estimate of the learner: all their records.
    held = MasteryRecord.objects.filter(learner_id__in=fresh).values_list(
        "learner_id", "competency_id"
    )
    records = lock_record_pairs({p for p in pairs if p[0] in fresh} | set(held))
    learners = {x.learner_id for x in responses}
    before = history.snapshot(learner_ids=learners)
    trackers = {
        who: mastery.Tracker(model, learner_state=state)
        for who, state in stored.items()
        if who not in stale
    }
    correct = {key: record.correct for key, record in records.items()}
    latest: dict[tuple[int, int], mastery.Estimate] = {}
    for x in sorted(responses, key=lambda x: (x.recorded_at, x.pk)):
        if x.learner_id in stale:
            continue
        cids = sorted(by_item[x.item_id])
        trackers[x.learner_id].feed([str(cid) for cid in cids], bool(x.correct), x.item_id)
        for cid in cids:
            correct[(x.learner_id, cid)] += int(bool(x.correct))
    for who, cid in records:
        latest[(who, cid)] = trackers[who].estimate(str(cid))
    save_record_rows([(*key, estimate, correct[key]) for key, estimate in sorted(latest.items())])
    save_learner_states({who: tracker.learner_state for who, tracker in trackers.items()})
    for who in sorted(stale):
        mastery_recompute(
            learner_id=who,
            competency_ids=sorted({cid for learner, cid in pairs if learner == who}),
            school_id=school.pk,
        )
    # Each change of level these answers made (a rebuilt learner's included).
    history.changes_record(
        before=before,
        after=history.snapshot(learner_ids=learners),
        cause=history.CAUSE_ANSWER,
        at=max(x.recorded_at for x in responses),
    )


@dataclass(frozen=True)
class ImportedAnswer:
    """One answer of a public data set: right or wrong, already scored."""

    learner_id: int
    item_id: int
    correct: bool
    key: str
    at: dt.datetime


@transaction.atomic
def responses_import(*, school: School, answers: Sequence[ImportedAnswer]) -> int:
    """Append a data set's answers in bulk (source import, answered ``1`` or
    ``0``, recorded by the learner), skipping keys already used: a data set
    imported twice is recorded once. No signal and no mastery update per
    answer: the caller refits the school's model once, after. Returns how
    many answers were given."""
    rows = [
        Response(
            school=school,
            learner_id=a.learner_id,
            item_id=a.item_id,
            source=SOURCE_IMPORT,
            answer="1" if a.correct else "0",
            correct=a.correct,
            score=1.0 if a.correct else 0.0,
            idempotency_key=a.key[:64],
            recorded_by_id=a.learner_id,
            recorded_at=a.at,
        )
        for a in answers
    ]
    Response.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return len(rows)

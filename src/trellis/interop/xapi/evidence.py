"""Recording many statements as evidence at once: the bulk equivalent of
``evidence.services.response_record`` for the xAPI resource.

It does what ``response_record`` does — score the answer with the item's
key, append a :class:`~trellis.evidence.models.Response` (source
``import``, idempotency key ``xapi-<statement id>``), and apply the online
mastery update to each of the item's competencies with the record locked —
but for a whole request in a handful of queries instead of about ten per
statement, so that a tool sending hundreds of statements a second does not
queue up. Records are locked in primary-key order, so two workers never
wait on each other in a cycle. Mastery stays derived state: a replay from
the responses (``mastery_recompute``) gives the same records.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from trellis.curriculum.models import Item
from trellis.curriculum.scoring import score_answer
from trellis.evidence import mastery
from trellis.evidence.models import MasteryRecord, Response
from trellis.evidence.models import response as r
from trellis.evidence.services.responses import MAX_TIME_ON_ITEM_MS
from trellis.people.models import School, User


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


def record_answers(*, school: School, answers: list[Answer]) -> None:
    """Score, append and apply ``answers`` (in order); sets each one's
    ``response``, or its ``note`` when the answer cannot be read. Call inside
    a transaction."""
    already = {
        (learner_id, key): response
        for response in Response.objects.filter(
            learner_id__in={a.learner.pk for a in answers},
            idempotency_key__in={a.key for a in answers},
        )
        for learner_id, key in [(response.learner_id, response.idempotency_key)]
    }
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
            source=r.SOURCE_IMPORT,
            answer=scored.answer,
            correct=scored.correct,
            score=scored.score,
            time_on_item_ms=max(0, min(a.time_ms, MAX_TIME_ON_ITEM_MS)),
            idempotency_key=a.key,
            recorded_by=a.learner,
            recorded_at=a.at,
        )
        fresh.append(a)
    Response.objects.bulk_create([a.response for a in fresh])
    _apply(school, [a.response for a in fresh if a.response.correct is not None])


def _apply(school: School, responses: list[Response]) -> None:
    if not responses:
        return
    through = Item.competencies.through
    by_item: dict[int, list[int]] = defaultdict(list)
    for item_id, cid in through.objects.filter(
        item_id__in={x.item_id for x in responses}
    ).values_list("item_id", "competency_id"):
        by_item[item_id].append(cid)
    pairs = {(x.learner_id, cid) for x in responses for cid in by_item[x.item_id]}
    if not pairs:
        return
    learners = {p[0] for p in pairs}
    comps = {p[1] for p in pairs}
    MasteryRecord.objects.bulk_create(
        [MasteryRecord(learner_id=lid, competency_id=cid) for lid, cid in sorted(pairs)],
        ignore_conflicts=True,
    )
    records = {
        (m.learner_id, m.competency_id): m
        for m in MasteryRecord.objects.select_for_update()
        .filter(learner_id__in=learners, competency_id__in=comps)
        .order_by("pk")
        if (m.learner_id, m.competency_id) in pairs
    }
    model = mastery.model_for_school(school.pk)
    for x in sorted(responses, key=lambda x: (x.recorded_at, x.pk)):
        for cid in sorted(by_item[x.item_id]):
            record = records[(x.learner_id, cid)]
            estimate = mastery.update(model, record.state, str(cid), bool(x.correct))
            record.probability = estimate.probability
            record.level = estimate.level
            record.attempts = estimate.attempts
            record.correct += int(bool(x.correct))
            record.state = estimate.state
            record.updated_at = timezone.now()
    _save(list(records.values()))


FIELDS = ("probability", "level", "attempts", "correct", "state", "updated_at")


def _save(records: list[MasteryRecord]) -> None:
    """One prepared UPDATE run for every record: ``bulk_update``'s CASE
    expressions cost more than the rest of a request together."""
    meta = MasteryRecord._meta
    q = connection.ops.quote_name
    fields = [meta.get_field(name) for name in FIELDS]
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        q(meta.db_table), ", ".join(f"{q(f.column)} = %s" for f in fields), q(meta.pk.column)
    )
    params = [
        [f.get_db_prep_save(getattr(m, f.attname), connection) for f in fields] + [m.pk]
        for m in records
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)

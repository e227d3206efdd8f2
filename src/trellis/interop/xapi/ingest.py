"""Storing statements: idempotent by id, and turned into evidence when the
activity is a Trellis item or competency and the actor a learner of the
tool's school."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.utils import timezone

from trellis.curriculum.services import proxy_item_create
from trellis.evidence.services.batch import Answer, responses_record_batch
from trellis.interop.models import XapiCredential, XapiProxyItem, XapiStatement
from trellis.interop.xapi import activities
from trellis.interop.xapi.errors import CONFLICT, DUPLICATE_IN_BATCH
from trellis.interop.xapi.validate import (
    StatementInvalid,
    content_hash,
    duration_ms,
    parse_timestamp,
)

if TYPE_CHECKING:
    from trellis.people.models import School

if TYPE_CHECKING:
    from trellis.curriculum.models import Competency, Item

NOTE_NO_LEARNER = "actor is not a learner of this school"
NOTE_NOT_TRELLIS = "activity is not a Trellis item or competency"
NOTE_NO_RESPONSE = "no result.response for the item"
NOTE_NO_OUTCOME = "no result.success or result.score.scaled"
PROXY_PROMPT = "Outside activity (xAPI) on {label}"
#: A scaled score at or above this counts as a correct answer when a
#: statement about a competency carries a score but no success flag.
SCALED_CORRECT = 0.5


class StatementConflict(Exception):
    """The id was stored before with different content (409)."""


@dataclass
class Stored:
    statement_id: uuid.UUID
    created: bool
    row: XapiStatement | None = None


def _prepare(statements: list[dict]) -> list[tuple[uuid.UUID, str, dict]]:
    """Give each statement its id, and drop repeats inside the request."""
    seen: dict[uuid.UUID, str] = {}
    out = []
    for statement in statements:
        sid = uuid.UUID(statement["id"]) if "id" in statement else uuid.uuid4()
        statement = {**statement, "id": str(sid)}
        digest = content_hash(statement)
        if sid in seen:
            if seen[sid] != digest:
                raise StatementInvalid(DUPLICATE_IN_BATCH.format(id=sid))
            continue
        seen[sid] = digest
        out.append((sid, digest, statement))
    return out


def _proxy_items(school: School, competencies: list[Competency]) -> dict[int, Item]:
    """The hidden item of each competency, made the first time it is needed."""
    if not competencies:
        return {}
    have = {
        p.competency_id: p.item
        for p in XapiProxyItem.objects.filter(
            school=school, competency__in=competencies
        ).select_related("item")
    }
    for competency in competencies:
        if competency.pk in have:
            continue
        item = proxy_item_create(
            school=school,
            competency=competency,
            prompt=PROXY_PROMPT.format(label=competency.label),
        )
        XapiProxyItem.objects.create(school=school, competency=competency, item=item)
        have[competency.pk] = item
    return have


def _answer_for(statement: dict, item: Item | None) -> tuple[str | None, str]:
    """The answer to record (the response for an item; 1 or 0 for a
    competency), or None and why the statement is not evidence."""
    result = statement.get("result", {})
    if item is not None:
        if "response" not in result:
            return None, NOTE_NO_RESPONSE
        return result["response"], ""
    if "success" in result:
        return ("1" if result["success"] else "0"), ""
    if "scaled" in result.get("score", {}):
        return ("1" if result["score"]["scaled"] >= SCALED_CORRECT else "0"), ""
    return None, NOTE_NO_OUTCOME


def _stored_hashes(school: School, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The content hash of each of these ids this school has stored (a plain
    query: it runs on every request)."""
    meta = XapiStatement._meta
    q = connection.ops.quote_name
    sid = meta.get_field("statement_id")
    sql = "SELECT {sid}, {digest} FROM {table} WHERE {school} = %s AND {sid} IN ({ids})".format(
        sid=q(sid.column),
        digest=q(meta.get_field("content_hash").column),
        table=q(meta.db_table),
        school=q(meta.get_field("school").column),
        ids=", ".join(["%s"] * len(ids)),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [school.pk, *(sid.get_db_prep_value(i, connection) for i in ids)])
        return {sid.to_python(found): digest for found, digest in cursor.fetchall()}


@transaction.atomic
def statements_store(
    *, credential: XapiCredential, statements: list[dict], optimistic: bool = False
) -> list[Stored]:
    """Store checked statements from one tool, all or nothing. The same id
    with the same content is stored once; with other content the whole
    request is refused (:class:`StatementConflict`).

    ``optimistic=True`` skips looking for evidence already recorded under
    these statement ids (it exists only when another school's tool sent the
    same id for the same learner, or another worker stored it a moment
    ago); the insert then raises ``IntegrityError`` and the caller calls
    again without it."""
    school = credential.school
    prepared = _prepare(statements)
    ids = [sid for sid, _, _ in prepared]
    earlier = _stored_hashes(school, ids)
    fresh = []
    for sid, digest, statement in prepared:
        if sid in earlier:
            if earlier[sid] != digest:
                raise StatementConflict(CONFLICT.format(id=sid))
            continue
        fresh.append((sid, digest, statement))
    activity_ids = {s["object"]["id"] for _, _, s in fresh}
    items = activities.items_for(school, activity_ids)
    competencies = activities.competencies_for(school, activity_ids - set(items))
    learners = activities.learners_for(school, [s["actor"] for _, _, s in fresh])
    now = timezone.now()
    proxies = _proxy_items(school, list({c.pk: c for c in competencies.values()}.values()))
    rows, answers = [], {}
    for sid, digest, statement in fresh:
        activity_id = statement["object"]["id"]
        learner = learners.get(activities.actor_key(statement["actor"]))
        item = items.get(activity_id)
        note = ""
        if item is None and activity_id not in competencies:
            note = NOTE_NOT_TRELLIS
        elif learner is None:
            note = NOTE_NO_LEARNER
        else:
            answer, note = _answer_for(statement, item)
            if answer is not None:
                when = parse_timestamp(statement.get("timestamp"))
                answers[sid] = Answer(
                    learner=learner,
                    item=item or proxies[competencies[activity_id].pk],
                    answer=answer,
                    key=f"xapi-{sid.hex}",
                    time_ms=duration_ms(statement.get("result", {}).get("duration", "")) or 0,
                    at=min(when, now) if when else now,
                )
        rows.append(
            XapiStatement(
                school=school,
                credential=credential,
                statement_id=sid,
                content_hash=digest,
                learner=learner,
                verb_id=statement["verb"]["id"],
                activity_id=activity_id,
                data={
                    **statement,
                    "stored": now.isoformat(),
                    "version": statement.get("version", "1.0.0"),
                },
                note=note,
            )
        )
    responses_record_batch(
        school=school,
        answers=list(answers.values()),
        competencies={i.pk: i.competency_ids for i in items.values()},
        check_existing=not optimistic,
    )
    for row in rows:
        if row.statement_id in answers:
            row.response = answers[row.statement_id].response
            row.note = answers[row.statement_id].note
    XapiStatement.objects.bulk_create(rows)
    created = {row.statement_id: row for row in rows}
    return [Stored(statement_id=sid, created=sid in created, row=created.get(sid)) for sid in ids]

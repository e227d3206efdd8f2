"""Fitting a school's mastery model and recomputing records from evidence.

Mastery records are derived state: they can always be rebuilt by replaying a
learner's effective evidence (each response not superseded by a correction;
a performance task by its newest teacher score) through the school's model.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from trellis.curriculum.models import Competency, Item
from trellis.evidence import mastery
from trellis.evidence.models import MasteryModel, MasteryRecord, Response, RubricScore
from trellis.evidence.models import mastery_state as lv
from trellis.evidence.models import response as r
from trellis.evidence.services import history
from trellis.people.models import School


def effective_outcomes(responses_qs) -> list[tuple[int, int, bool, int]]:
    """(learner id, item id, correct, order) for each response that counts, in
    time order. Superseded responses are skipped; rubric tasks count by their
    newest teacher score, and not at all until scored."""
    rows = list(
        responses_qs.filter(corrections__isnull=True)
        .order_by("recorded_at", "pk")
        .values_list("pk", "learner_id", "item_id", "correct", "corrects_id")
    )
    unscored = [pk for pk, _, _, correct, _ in rows if correct is None]
    rubric: dict[int, bool] = {}
    if unscored:
        for response_id, total, maximum in (
            RubricScore.objects.filter(
                response_id__in=unscored, kind=r.SCORE_TEACHER, corrections__isnull=True
            )
            .order_by("recorded_at", "pk")
            .values_list("response_id", "total", "maximum")
        ):
            rubric[response_id] = (
                bool(maximum) and total / maximum >= mastery.RUBRIC_CORRECT_FRACTION
            )
    out: list[tuple[int, int, bool, int]] = []
    for order, (pk, learner_id, item_id, correct, _) in enumerate(rows):
        if correct is None:
            if pk not in rubric:
                continue
            correct = rubric[pk]
        out.append((learner_id, item_id, bool(correct), order))
    return out


def _item_competencies(item_ids: Iterable[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = defaultdict(list)
    through = Item.competencies.through
    for item_id, competency_id in through.objects.filter(item_id__in=set(item_ids)).values_list(
        "item_id", "competency_id"
    ):
        out[item_id].append(competency_id)
    return out


# Recording a response must stay fast (docs/assessment-and-mastery.md: under
# 20 ms at the 95th percentile on PostgreSQL), so the three statements that
# lock and write a learner's records are written out here rather than built
# by the ORM on every call. They are plain SQL that PostgreSQL and SQLite
# both run (ON CONFLICT needs SQLite 3.24); FOR UPDATE is PostgreSQL's only.
_RECORDS = MasteryRecord._meta.db_table
_LINKS = Item.competencies.through._meta.db_table
_COLUMNS = "learner_id, competency_id, probability, level, attempts, correct, state, updated_at"
_INSERT_MISSING = (
    f"INSERT INTO {_RECORDS} ({_COLUMNS}) "
    "SELECT %s, wanted.cid, 0, %s, 0, 0, %s, %s FROM ({wanted}) wanted "
    "WHERE true ORDER BY wanted.cid ON CONFLICT (learner_id, competency_id) DO NOTHING"
)
_OF_ITEM = f"SELECT competency_id AS cid FROM {_LINKS} WHERE item_id = %s"
_OF_IDS = f"SELECT id AS cid FROM {Competency._meta.db_table} WHERE id IN ({{marks}})"
_SELECT_LOCKED = (
    f"SELECT competency_id, state, correct, level, probability FROM {_RECORDS} "
    "WHERE learner_id = %s AND competency_id IN (SELECT cid FROM ({wanted}) wanted) "
    "ORDER BY competency_id"
)
_UPSERT = (
    f"INSERT INTO {_RECORDS} ({_COLUMNS}) VALUES {{rows}} "
    "ON CONFLICT (learner_id, competency_id) DO UPDATE SET "
    + ", ".join(
        f"{c} = excluded.{c}"
        for c in ("probability", "level", "attempts", "correct", "state", "updated_at")
    )
)


@dataclass(frozen=True)
class LockedRecord:
    """A learner × competency record as locked for an update."""

    competency_id: int
    state: dict
    correct: int
    #: As the previous writer left it (for the mastery history).
    level: str = lv.NOT_STARTED
    probability: float = 0.0


def item_competency_ids(item_id: int) -> list[int]:
    through = Item.competencies.through
    return list(through.objects.filter(item_id=item_id).values_list("competency_id", flat=True))


def _prep(field_name: str, value):
    return MasteryRecord._meta.get_field(field_name).get_db_prep_save(value, connection)


def lock_records(
    *, learner_id: int, item_id: int | None = None, competency_ids: Iterable[int] = ()
) -> list[LockedRecord]:
    """The learner's records on the item's competencies (or on
    ``competency_ids``), created if missing and locked until the transaction
    ends, in competency order.

    Two statements whatever the number of competencies: an ``INSERT ...
    ON CONFLICT DO NOTHING`` of the missing rows, in competency order (a
    concurrent insert of the same row waits for the first to commit), then
    ``SELECT ... FOR UPDATE`` in the same order, which returns each row as
    the previous writer committed it. Every writer claims rows in that one
    order, so two responses of one learner arriving at once are applied one
    after the other and never deadlock (tests/evidence/test_concurrency_pg.py)."""
    if item_id is not None:
        wanted, wanted_params = _OF_ITEM, [item_id]
    else:
        ids = sorted({int(c) for c in competency_ids})
        if not ids:
            return []
        wanted, wanted_params = _OF_IDS.format(marks=", ".join(["%s"] * len(ids))), ids
    select = _SELECT_LOCKED.format(wanted=wanted)
    if connection.features.has_select_for_update:
        select += " FOR UPDATE"
    state_field = MasteryRecord._meta.get_field("state")
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT_MISSING.format(wanted=wanted),
            [learner_id, lv.NOT_STARTED, _prep("state", {}), _prep("updated_at", timezone.now())]
            + wanted_params,
        )
        cursor.execute(select, [learner_id, *wanted_params])
        rows = cursor.fetchall()
    return [
        LockedRecord(
            competency_id=cid,
            state=state_field.from_db_value(state, None, connection) or {},
            correct=correct,
            level=level,
            probability=probability,
        )
        for cid, state, correct, level, probability in rows
    ]


def save_records(*, learner_id: int, estimates: list[tuple[int, mastery.Estimate, int]]) -> None:
    """Write (competency id, estimate, correct count) for locked records in
    one statement."""
    save_record_rows([(learner_id, cid, estimate, correct) for cid, estimate, correct in estimates])


def save_record_rows(rows: list[tuple[int, int, mastery.Estimate, int]]) -> None:
    """Write (learner id, competency id, estimate, correct count) for locked
    records, of any number of learners, in one statement."""
    if not rows:
        return
    now = _prep("updated_at", timezone.now())
    params: list = []
    for learner_id, competency_id, estimate, correct in rows:
        params += [
            learner_id,
            competency_id,
            estimate.probability,
            estimate.level,
            estimate.attempts,
            correct,
            _prep("state", estimate.state),
            now,
        ]
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(rows))
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT.format(rows=values), params)


def lock_record_pairs(pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], LockedRecord]:
    """The record of each (learner id, competency id) pair — several
    learners at once, as an xAPI statement list brings them — created if
    missing and locked until the transaction ends, in one statement: ``INSERT
    ... ON CONFLICT DO UPDATE ... RETURNING`` (PostgreSQL; SQLite >= 3.35),
    whose no-op update takes the row lock a ``SELECT ... FOR UPDATE`` would.
    Rows are claimed in (learner, competency) order, the order
    :func:`lock_records` uses for one learner, so writers never wait on each
    other in a cycle."""
    ordered = sorted(set(pairs))
    if not ordered:
        return {}
    state_field = MasteryRecord._meta.get_field("state")
    constants = [0, lv.NOT_STARTED, 0, 0, _prep("state", {}), _prep("updated_at", timezone.now())]
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(ordered))
    sql = (
        f"INSERT INTO {_RECORDS} ({_COLUMNS}) VALUES {values} "
        "ON CONFLICT (learner_id, competency_id) DO UPDATE SET learner_id = excluded.learner_id "
        "RETURNING learner_id, competency_id, state, correct"
    )
    params = [value for pair in ordered for value in (*pair, *constants)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    return {
        (learner_id, cid): LockedRecord(
            competency_id=cid,
            state=state_field.from_db_value(state, None, connection) or {},
            correct=correct,
        )
        for learner_id, cid, state, correct in found
    }


@transaction.atomic
def mastery_recompute(*, learner_id: int, competency_ids: list[int], school_id: int) -> None:
    """Rebuild one learner's records on these competencies from their evidence."""
    model = mastery.model_for_school(school_id)
    wanted = set(competency_ids)
    # Lock first, so that the evidence read below includes every response
    # committed by a writer that held these rows before us.
    locked = lock_records(learner_id=learner_id, competency_ids=wanted)
    outcomes = effective_outcomes(
        Response.objects.filter(learner_id=learner_id, item__competencies__in=wanted).distinct()
    )
    by_item = _item_competencies(o[1] for o in outcomes)
    history: dict[int, list[bool]] = {cid: [] for cid in wanted}
    for _, item_id, correct, _ in outcomes:
        for cid in by_item[item_id]:
            if cid in wanted:
                history[cid].append(correct)
    save_records(
        learner_id=learner_id,
        estimates=[
            (
                record.competency_id,
                mastery.replay(model, str(record.competency_id), history[record.competency_id]),
                sum(history[record.competency_id]),
            )
            for record in locked
        ],
    )


@transaction.atomic
def mastery_fit_school(*, school: School) -> MasteryModel:
    """Fit the school's model on all its evidence, store it, and recompute
    every learner × competency record with it (in bulk)."""
    outcomes = effective_outcomes(Response.objects.filter(school=school))
    by_item = _item_competencies(o[1] for o in outcomes)
    observations = [
        mastery.Observation(learner_id=who, skill=str(c), item_id=i, correct=ok, order=order)
        for who, i, ok, order in outcomes
        for c in by_item[i]
    ]
    fitted = mastery.fit(observations)
    row = MasteryModel.objects.create(
        school=school, name=mastery.MODEL_NAME, params=fitted.params(), n_responses=len(outcomes)
    )
    fitted.row_id = row.pk
    mastery.forget_cached_model(school.pk)
    learners = {o.learner_id for o in observations}
    before = history.snapshot(learner_ids=learners)
    records_rebuild(school=school, model=fitted, observations=observations)
    history.changes_record(
        before=before, after=history.snapshot(learner_ids=learners), cause=history.CAUSE_REFIT
    )
    return row


def records_rebuild(
    *, school: School, model: mastery.SchoolModel, observations: list[mastery.Observation]
) -> int:
    """Replace the school's mastery records by a replay of ``observations``."""
    history: dict[tuple[int, str], list[bool]] = defaultdict(list)
    for o in observations:  # already in time order
        history[(o.learner_id, o.skill)].append(o.correct)
    now = timezone.now()
    records = []
    for (learner_id, skill), outcomes in history.items():
        estimate = mastery.replay(model, skill, outcomes)
        records.append(
            MasteryRecord(
                learner_id=learner_id,
                competency_id=int(skill),
                probability=estimate.probability,
                level=estimate.level,
                attempts=estimate.attempts,
                correct=sum(outcomes),
                state=estimate.state,
                updated_at=now,
            )
        )
    MasteryRecord.objects.filter(
        learner_id__in={rec.learner_id for rec in records},
        competency_id__in={rec.competency_id for rec in records},
    ).delete()
    MasteryRecord.objects.bulk_create(records, batch_size=2000)
    return len(records)

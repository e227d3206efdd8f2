"""Fitting a school's mastery model and recomputing records from evidence.

Mastery records are derived state: they can always be rebuilt by replaying a
learner's effective evidence (each response not superseded by a correction;
a performance task by its newest teacher score) through the school's model.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.utils import timezone

from trellis.curriculum.selectors import (
    COMPETENCIES_AMONG_SQL,
    ITEM_COMPETENCIES_SQL,
    competency_ids_by_item,
)
from trellis.evidence import mastery
from trellis.evidence.models import (
    LearnerModelState,
    MasteryModel,
    MasteryRecord,
    Response,
    RubricScore,
)
from trellis.evidence.models.mastery_state import NOT_STARTED
from trellis.evidence.models.response import ANSWER_ORDER, SCORE_TEACHER
from trellis.evidence.services import history
from trellis.people import handwritten

if TYPE_CHECKING:
    from trellis.people.models import School


def effective_outcomes(responses_qs) -> list[tuple[int, int, bool, int]]:
    """(learner id, item id, correct, order) for each response that counts, in
    the order the answers were given (``ANSWER_ORDER``: an answer sent late
    from an offline device counts when it was given). Superseded responses are skipped; rubric tasks count by their
    newest teacher score, and not at all until scored."""
    rows = list(
        responses_qs.filter(corrections__isnull=True)
        .order_by(*ANSWER_ORDER)
        .values_list("pk", "learner_id", "item_id", "correct", "corrects_id")
    )
    unscored = [pk for pk, _, _, correct, _ in rows if correct is None]
    rubric: dict[int, bool] = {}
    if unscored:
        for response_id, total, maximum in (
            RubricScore.objects.filter(
                response_id__in=unscored, kind=SCORE_TEACHER, corrections__isnull=True
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


def outcome_times(responses_qs) -> list:
    """When each response that ``effective_outcomes`` numbers was recorded:
    the outcome's ``order`` indexes this list (the same rows, in the same
    order)."""
    return list(
        responses_qs.filter(corrections__isnull=True)
        .order_by(*ANSWER_ORDER)
        .values_list("recorded_at", flat=True)
    )


# Recording a response must stay fast (docs/assessment-and-mastery.md: under
# 20 ms at the 95th percentile on PostgreSQL), so the three statements that
# lock and write a learner's records are written out here rather than built
# by the ORM on every call. They are plain SQL that PostgreSQL and SQLite
# both run (ON CONFLICT needs SQLite 3.24); FOR UPDATE is PostgreSQL's only.
_RECORDS = MasteryRecord._meta.db_table
_COLUMNS = "learner_id, competency_id, probability, level, attempts, correct, state, updated_at"
_INSERT_MISSING = (
    f"INSERT INTO {_RECORDS} ({_COLUMNS}) "
    "SELECT %s, wanted.cid, 0, %s, 0, 0, %s, %s FROM ({wanted}) wanted "
    "WHERE true ORDER BY wanted.cid ON CONFLICT (learner_id, competency_id) DO NOTHING"
)
#: Create the missing records and lock them all in one statement: the no-op
#: update of an existing row takes the lock ``SELECT ... FOR UPDATE`` would,
#: waits for a concurrent writer like it, and returns the row as that writer
#: committed it. Rows are claimed in competency order (the ORDER BY).
_CLAIM = (
    f"INSERT INTO {_RECORDS} ({_COLUMNS}) "
    "SELECT %s, wanted.cid, 0, %s, 0, 0, %s, %s FROM ({wanted}) wanted "
    "WHERE true ORDER BY wanted.cid ON CONFLICT (learner_id, competency_id) "
    "DO UPDATE SET learner_id = excluded.learner_id "
    "RETURNING competency_id, state, correct, level, probability"
)
_OF_ITEM = ITEM_COMPETENCIES_SQL
_OF_IDS = COMPETENCIES_AMONG_SQL
_SELECT_ALL_LOCKED = (
    f"SELECT competency_id, state, correct, level, probability, "
    "competency_id IN (SELECT cid FROM ({wanted}) wanted) "
    f"FROM {_RECORDS} WHERE learner_id = %s ORDER BY competency_id"
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
    level: str = NOT_STARTED
    probability: float = 0.0
    #: One of the competencies asked for (not only another of the learner's).
    wanted: bool = True


def _prep(field_name: str, value):
    return MasteryRecord._meta.get_field(field_name).get_db_prep_save(value, connection)


def lock_records(
    *,
    learner_id: int,
    item_id: int | None = None,
    competency_ids: Iterable[int] = (),
    all_of_learner: bool = False,
) -> list[LockedRecord]:
    """The learner's records on the item's competencies (or on
    ``competency_ids``), created if missing and locked until the transaction
    ends, in competency order.

    One statement whatever the number of competencies (``_CLAIM``): an
    ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` in competency order,
    which creates the missing rows (a concurrent insert of the same row waits
    for the first to commit) and locks the existing ones, returning each row
    as the previous writer committed it. (A round trip fewer than an insert
    then a ``SELECT ... FOR UPDATE``: under load every round trip on the
    answer path counts.) Every writer claims rows in that one order, so two
    responses of one learner arriving at once are applied one after the
    other and never deadlock (tests/evidence/test_concurrency_pg.py). With
    ``all_of_learner`` (a per-learner model: every record of the learner is
    rewritten) it is two: the insert of the missing rows, then all of the
    learner's rows locked."""
    if item_id is not None:
        wanted, wanted_params = _OF_ITEM, [item_id]
    else:
        ids = sorted({int(c) for c in competency_ids})
        if not ids:
            return []
        wanted, wanted_params = _OF_IDS.format(marks=", ".join(["%s"] * len(ids))), ids
    state_field = MasteryRecord._meta.get_field("state")
    constants = _claim_constants()
    if not all_of_learner:
        with handwritten.cursor() as cursor:
            cursor.execute(_CLAIM.format(wanted=wanted), [learner_id, *constants, *wanted_params])
            rows = sorted(cursor.fetchall(), key=lambda row: row[0])
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
    # Every record of the learner, those asked for flagged (``wanted``): a
    # per-learner model's answer moves all of the learner's estimates.
    select = _SELECT_ALL_LOCKED.format(wanted=wanted)
    select_params = [*wanted_params, learner_id]
    if connection.features.has_select_for_update:
        select += " FOR UPDATE"
    with handwritten.cursor() as cursor:
        cursor.execute(
            _INSERT_MISSING.format(wanted=wanted), [learner_id, *constants, *wanted_params]
        )
        cursor.execute(select, select_params)
        rows = cursor.fetchall()
    return [
        LockedRecord(
            competency_id=row[0],
            state=state_field.from_db_value(row[1], None, connection) or {},
            correct=row[2],
            level=row[3],
            probability=row[4],
            wanted=bool(row[5]),
        )
        for row in rows
    ]


def _claim_constants() -> list:
    """What a claimed record that did not exist starts with: not started,
    no state, updated now."""
    return [NOT_STARTED, _prep("state", {}), _prep("updated_at", timezone.now())]


@dataclass(frozen=True)
class Claim:
    """:func:`lock_records` for an item's competencies as a ``WITH`` clause,
    to be run in front of another statement (PostgreSQL): the response's
    INSERT carries it, a round trip fewer on every answer (decision 0020).
    ``returned`` is an SQL expression for the claimed rows, as one JSON
    array, which :func:`claimed_records` reads."""

    clause: str
    params: list
    returned: str


_CLAIMED = (
    "(SELECT json_agg(json_build_array(competency_id, state, correct, level, probability)"
    " ORDER BY competency_id) FROM claimed)"
)


def claim_of_item(*, learner_id: int, item_id: int) -> Claim:
    """The claim of the learner's records on the item's competencies, as
    :func:`lock_records` makes it (created if missing, locked in competency
    order, each as the previous writer committed it)."""
    return Claim(
        clause=f"claimed AS ({_CLAIM.format(wanted=_OF_ITEM)})",
        params=[learner_id, *_claim_constants(), item_id],
        returned=_CLAIMED,
    )


def claimed_records(value: str | list | None) -> list[LockedRecord]:
    """The records a :class:`Claim` returned (None: the item assesses no
    competency), as :func:`lock_records` returns them."""
    rows = json.loads(value) if isinstance(value, str) else (value or [])
    return [
        LockedRecord(
            competency_id=cid,
            state=state or {},
            correct=correct,
            level=level,
            probability=float(probability),
        )  # fmt: skip
        for cid, state, correct, level, probability in rows
    ]


def save_records(
    *,
    learner_id: int,
    estimates: list[tuple[int, mastery.Estimate, int]],
    before: str = "",
    before_params: Sequence = (),
) -> None:
    """Write (competency id, estimate, correct count) for locked records in
    one statement; ``before``: a ``WITH`` clause it carries (PostgreSQL),
    with its values (the answer's changes of level, decision 0020)."""
    save_record_rows(
        [(learner_id, cid, estimate, correct) for cid, estimate, correct in estimates],
        before=before,
        before_params=before_params,
    )


def save_record_rows(
    rows: list[tuple[int, int, mastery.Estimate, int]],
    *,
    before: str = "",
    before_params: Sequence = (),
) -> None:
    """Write (learner id, competency id, estimate, correct count) for locked
    records, of any number of learners, in one statement."""
    if not rows:
        if before:
            raise ValueError("No record to write, so no statement to carry the WITH clause.")
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
    with handwritten.cursor() as cursor:
        sql = _UPSERT.format(rows=values)
        cursor.execute(f"WITH {before} {sql}" if before else sql, [*before_params, *params])


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
    constants = [0, NOT_STARTED, 0, 0, _prep("state", {}), _prep("updated_at", timezone.now())]
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


_STATES = LearnerModelState._meta.db_table


def lock_learner_states(learner_ids: Iterable[int]) -> dict[int, dict]:
    """The per-learner model state of each learner (``{}`` when new),
    created if missing and locked until the transaction ends, in one
    statement (``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``, as
    :func:`lock_record_pairs`), in learner order. Writers lock a learner's
    state before their records, so they never wait on each other in a
    cycle. Only per-learner models (``SchoolModel.per_learner``) use it."""
    ordered = sorted({int(x) for x in learner_ids})
    if not ordered:
        return {}
    field = LearnerModelState._meta.get_field("state")
    now = _prep("updated_at", timezone.now())
    values = ", ".join(["(%s, %s, %s)"] * len(ordered))
    sql = (
        f"INSERT INTO {_STATES} (learner_id, state, updated_at) VALUES {values} "
        "ON CONFLICT (learner_id) DO UPDATE SET learner_id = excluded.learner_id "
        "RETURNING learner_id, state"
    )
    params = [v for learner_id in ordered for v in (learner_id, _prep("state", {}), now)]
    with handwritten.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    return {
        learner_id: field.from_db_value(state, None, connection) or {}
        for learner_id, state in found
    }


def save_learner_states(states: dict[int, dict]) -> None:
    """Write per-learner model states in one statement."""
    if not states:
        return
    now = _prep("updated_at", timezone.now())
    values = ", ".join(["(%s, %s, %s)"] * len(states))
    sql = (
        f"INSERT INTO {_STATES} (learner_id, state, updated_at) VALUES {values} "
        "ON CONFLICT (learner_id) DO UPDATE SET state = excluded.state, "
        "updated_at = excluded.updated_at"
    )
    params = [
        v
        for learner_id, state in sorted(states.items())
        for v in (learner_id, _prep("state", state), now)
    ]
    with handwritten.cursor() as cursor:
        cursor.execute(sql, params)


def observations_of(outcomes: list[tuple[int, int, bool, int]]) -> list[mastery.Observation]:
    """One observation per answer, with all of its item's competencies
    (answers on items with no competency carry no evidence of mastery)."""
    by_item = competency_ids_by_item(o[1] for o in outcomes)
    return [
        mastery.Observation(
            learner_id=who,
            skills=tuple(str(c) for c in sorted(by_item[item_id])),
            item_id=item_id,
            correct=ok,
            order=order,
        )
        for who, item_id, ok, order in outcomes
        if by_item[item_id]
    ]


@transaction.atomic
def mastery_recompute(*, learner_id: int, competency_ids: list[int], school_id: int) -> None:
    """Rebuild one learner's records on these competencies from their
    evidence (with a per-learner model, every record of the learner and
    their model state: one answer changes what the model makes of all the
    answers after it)."""
    model = mastery.model_for_school(school_id)
    wanted = set(competency_ids)
    if model.per_learner:
        lock_learner_states([learner_id])
        wanted |= set(
            MasteryRecord.objects.filter(learner_id=learner_id).values_list(
                "competency_id", flat=True
            )
        )
    # Lock first, so that the evidence read below includes every response
    # committed by a writer that held these rows before us.
    locked = lock_records(learner_id=learner_id, competency_ids=wanted)
    responses = Response.objects.filter(learner_id=learner_id)
    if not model.per_learner:
        responses = responses.filter(item__competencies__in=wanted).distinct()
    tracker = mastery.Tracker(model)
    correct: dict[int, int] = defaultdict(int)
    for o in observations_of(effective_outcomes(responses)):
        tracker.feed(o.skills, o.correct, o.item_id)
        for skill in o.skills:
            correct[int(skill)] += int(o.correct)
    save_records(
        learner_id=learner_id,
        estimates=[
            (
                record.competency_id,
                tracker.estimate(str(record.competency_id)),
                correct[record.competency_id],
            )
            for record in locked
        ],
    )
    if model.per_learner:
        save_learner_states({learner_id: tracker.learner_state})


@transaction.atomic
def mastery_fit_school(
    *, school: School, select: bool = True, candidates: list[str] | None = None
) -> MasteryModel:
    """Fit the school's model on all its evidence — choosing among the
    engine's models by held-out fit unless ``select`` is False — store it,
    and recompute every learner × competency record (and per-learner model
    state) with it, in bulk. ``candidates`` limits the models tried."""
    outcomes = effective_outcomes(Response.objects.filter(school=school))
    observations = observations_of(outcomes)
    fitted = mastery.fit(observations, select=select, candidates=candidates)
    row = MasteryModel.objects.create(
        school=school,
        name=fitted.name,
        params=fitted.params(),
        n_responses=len(outcomes),
        n_learners=len({o[0] for o in outcomes}),
        selection=fitted.selection,
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
    """Replace the school's mastery records (and per-learner model states)
    by a replay of ``observations``."""
    trackers: dict[int, mastery.Tracker] = {}
    correct: dict[tuple[int, str], int] = defaultdict(int)
    latest: dict[tuple[int, str], mastery.Estimate] = {}
    for o in observations:  # already in time order
        tracker = trackers.get(o.learner_id)
        if tracker is None:
            tracker = trackers[o.learner_id] = mastery.Tracker(model)
        for skill, estimate in tracker.feed(o.skills, o.correct, o.item_id).items():
            latest[(o.learner_id, skill)] = estimate
            correct[(o.learner_id, skill)] += int(o.correct)
    if model.per_learner:
        # Every estimate from the learner's final state: a later answer on
        # another competency moves an earlier competency's estimate too.
        latest = {
            (learner_id, skill): trackers[learner_id].estimate(skill)
            for learner_id, skill in latest
        }
    now = timezone.now()
    records = [
        MasteryRecord(
            learner_id=learner_id,
            competency_id=int(skill),
            probability=estimate.probability,
            level=estimate.level,
            attempts=estimate.attempts,
            correct=correct[(learner_id, skill)],
            state=estimate.state,
            updated_at=now,
        )
        for (learner_id, skill), estimate in latest.items()
    ]
    MasteryRecord.objects.filter(
        learner_id__in={rec.learner_id for rec in records},
        competency_id__in={rec.competency_id for rec in records},
    ).delete()
    MasteryRecord.objects.bulk_create(records, batch_size=2000)
    LearnerModelState.objects.filter(learner_id__in=trackers).delete()
    if model.per_learner:
        LearnerModelState.objects.bulk_create(
            [
                LearnerModelState(learner_id=learner_id, state=tracker.learner_state)
                for learner_id, tracker in trackers.items()
            ],
            batch_size=2000,
        )
    return len(records)

"""Recording evidence: a response (with the live mastery update in the same
transaction), a rubric score or self-rating, and corrections."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _

from trellis.curriculum import kinds
from trellis.curriculum.scoring import check_rubric_points, score_answer
from trellis.curriculum.selectors import item_competency_ids
from trellis.evidence import mastery
from trellis.evidence.models import (
    Attempt,
    MasteryChange,
    MasteryRecord,
    RefusedAnswer,
    Response,
    RubricScore,
)
from trellis.evidence.models.response import SCORE_SELF, SCORE_TEACHER, SOURCE_ASSESSMENT
from trellis.evidence.services import history
from trellis.evidence.services.assessments import NOT_ASSIGNED, check_can_answer
from trellis.evidence.services.mastery import (
    LockedRecord,
    claim_of_item,
    claimed_records,
    lock_learner_states,
    lock_records,
    mastery_recompute,
    save_learner_states,
    save_records,
)
from trellis.people import handwritten

if TYPE_CHECKING:
    from trellis.people.models import User

if TYPE_CHECKING:
    from trellis.curriculum.models import Item

ALREADY_ANSWERED = _("You have already answered this question in this assessment.")
ALREADY_SUBMITTED = _("You have already handed in this assessment.")
TIME_UP = _("Time is up for this assessment; answers are no longer accepted.")
ITEM_NOT_IN_ASSESSMENT = _("That question is not part of this assessment.")
NOT_A_RUBRIC_TASK = _("Only performance tasks are scored with a rubric.")
SELF_RATING_OWN_ONLY = _("Learners rate only their own work.")
CORRECTS_OTHER = _("A correction must point to a record of the same learner and item.")
ALREADY_CORRECTED = _("That record has already been corrected; correct the newest one.")
RUBRIC_IS_RESCORED = _(
    "A performance task is not corrected this way: score it again with its rubric."
)
KEY_USED_ELSEWHERE = _("That idempotency key was already used for another record of this learner.")
ANSWERED_AFTER_TIME_LIMIT = gettext_lazy(
    "This answer was given after the time limit of the assessment had passed."
)
SENT_TOO_LONG_AFTER_TIME_LIMIT = gettext_lazy(
    "This answer reached the school more than a day after the time limit of the assessment."
)
#: Time on an item is capped so that a tab left open overnight does not count.
MAX_TIME_ON_ITEM_MS = 60 * 60 * 1000
#: How long an answer given offline to a timed assessment may take to reach
#: the server after the attempt's deadline: the device's clock is trusted
#: within this window only (docs/offline.md, "What the server trusts").
OFFLINE_GRACE = dt.timedelta(hours=24)
#: An answer given offline outside an assessment counts at most this far back.
MAX_OFFLINE_AGE = dt.timedelta(days=14)


@dataclass
class RecordResult:
    """What was recorded. ``created`` is False when the idempotency key had
    already been used: the earlier record is returned and nothing changes."""

    response: Response
    created: bool
    estimates: dict[int, mastery.Estimate] = field(default_factory=dict)
    #: Each updated competency's level and probability before this answer.
    before: dict[int, history.State] = field(default_factory=dict)


#: What makes a transaction's COMMIT return before its WAL reaches the disk
#: (PostgreSQL only; decision 0010): ``SET LOCAL synchronous_commit TO OFF``
#: as an expression, evaluated with the response's INSERT (``RETURNING``)
#: rather than sent as a statement of its own: a round trip fewer on every
#: practice answer (decision 0020). The setting is read at COMMIT, so it
#: does not matter that the row is written first.
RELAX_COMMIT_EXPRESSION = "set_config('synchronous_commit', 'off', true)"


def _relaxing(relaxed_commit: bool) -> tuple[str, ...]:
    """What the response's INSERT also evaluates: the relaxed commit of a
    practice answer on PostgreSQL; nothing elsewhere (SQLite has no WAL
    flush to skip)."""
    if relaxed_commit and connection.vendor == "postgresql":
        return (RELAX_COMMIT_EXPRESSION,)
    return ()


def new_key() -> str:
    return uuid.uuid4().hex


def _apply_evidence(
    *,
    school_id: int,
    learner_id: int,
    correct: bool,
    item_id: int | None = None,
    competency_ids: Iterable[int] = (),
    response_id: int | None = None,
    at: dt.datetime | None = None,
    before_out: dict[int, history.State] | None = None,
    latest_model_id: int | None = None,
    model: mastery.SchoolModel | None = None,
    locked: list[LockedRecord] | None = None,
) -> dict[int, mastery.Estimate]:
    """The engine's online update of the learner's records on the item's
    competencies (or ``competency_ids``): lock them (``lock_records``,
    which also reads their levels), update in memory, write them back in
    one upsert, and keep each change of level (``history.change_rows``,
    cause "answer", only when a level changed: on PostgreSQL carried by the
    upsert, elsewhere one more insert). ``before_out``, when
    given, receives each competency's level and probability before;
    ``latest_model_id``, when the caller read it, which fit is the school's
    latest (``mastery.model_for_school``); ``model`` and ``locked``, when the
    caller has them (the school's model, the item's records as
    ``lock_records`` returns them, claimed with the response's INSERT)."""
    if model is None:
        model = mastery.model_for_school(school_id, latest=latest_model_id)
    if model.per_learner:
        return _apply_per_learner(
            model, school_id=school_id, learner_id=learner_id, correct=correct, item_id=item_id,
            competency_ids=competency_ids, response_id=response_id, at=at, before_out=before_out,
        )  # fmt: skip
    out: dict[int, mastery.Estimate] = {}
    written = []
    if locked is None:
        locked = lock_records(learner_id=learner_id, item_id=item_id, competency_ids=competency_ids)
    before = {
        (learner_id, rec.competency_id): history.State(rec.level, rec.probability) for rec in locked
    }
    for record in locked:
        estimate = mastery.update(model, record.state, str(record.competency_id), correct)
        written.append((record.competency_id, estimate, record.correct + int(correct)))
        out[record.competency_id] = estimate
    changes = history.change_rows(
        before=before,
        after={(learner_id, cid): history.State(e.level, e.probability) for cid, e in out.items()},
        cause=history.CAUSE_ANSWER,
        response_id=response_id,
        at=at,
    )
    _save_with_changes(learner_id=learner_id, estimates=written, changes=changes)
    if before_out is not None:
        for cid in out:
            before_out[cid] = before.get((learner_id, cid), history.NONE)
    return out


def _save_with_changes(
    *,
    learner_id: int,
    estimates: list[tuple[int, mastery.Estimate, int]],
    changes: list[MasteryChange],
) -> None:
    """Write the learner's new estimates and keep the changes of level. On
    PostgreSQL the changes ride on the write of the records (a WITH clause):
    no round trip of their own (decision 0020)."""
    if changes and len(changes) <= handwritten.INSERT_ROWS_AT_MOST and _carries_with():
        clause, params = handwritten.insert_rows_clause("changed", changes)
        save_records(
            learner_id=learner_id, estimates=estimates, before=clause, before_params=params
        )
    else:
        save_records(learner_id=learner_id, estimates=estimates)
        history.changes_store(changes)


def _carries_with() -> bool:
    """Whether a statement can carry an INSERT in a WITH clause (PostgreSQL;
    SQLite cannot)."""
    return connection.vendor == "postgresql"


def recompute_with_history(
    *, learner_id: int, item_id: int, school_id: int, cause: str, response_id: int | None
) -> None:
    """``mastery_recompute`` of the learner's records on the item's
    competencies, keeping each change of level with its cause. All of the
    learner's records are compared: under a per-learner model a correction
    moves every estimate, not only the item's."""
    competency_ids = item_competency_ids(item_id)
    before = history.snapshot(learner_ids=[learner_id])
    mastery_recompute(learner_id=learner_id, competency_ids=competency_ids, school_id=school_id)
    after = history.snapshot(learner_ids=[learner_id])
    history.changes_record(before=before, after=after, cause=cause, response_id=response_id)


def _apply_per_learner(
    model: mastery.SchoolModel,
    *,
    school_id: int,
    learner_id: int,
    correct: bool,
    item_id: int | None,
    competency_ids: Iterable[int],
    response_id: int | None = None,
    at: dt.datetime | None = None,
    before_out: dict[int, history.State] | None = None,
) -> dict[int, mastery.Estimate]:
    """The same for a model whose state spans the learner's skills: lock the
    learner's state, then the records; one update with the answer; write
    both back. Five statements. If the stored state was built by another
    fit (a process still holding the previous model for up to
    ``MODEL_CHECK_SECONDS``), the learner's records are rebuilt from their
    evidence instead — this answer is already saved, so it is included."""
    stored = lock_learner_states([learner_id])[learner_id]
    records = lock_records(
        learner_id=learner_id, item_id=item_id, competency_ids=competency_ids, all_of_learner=True
    )
    answered = [record.competency_id for record in records if record.wanted]
    if not answered:
        return {}
    if not mastery.learner_state_is_current(model, stored):
        mastery_recompute(learner_id=learner_id, competency_ids=answered, school_id=school_id)
        return {
            rec.competency_id: mastery.Estimate(
                probability=rec.probability, attempts=rec.attempts, level=rec.level, state=rec.state
            )
            for rec in MasteryRecord.objects.filter(
                learner_id=learner_id, competency_id__in=answered
            )
        }
    tracker = mastery.Tracker(model, learner_state=stored)
    tracker.feed([str(cid) for cid in answered], correct, item_id)
    # The answer moves every estimate of the learner (overall counts, the
    # previous answer, ability), so every record is written.
    estimates = {
        record.competency_id: tracker.estimate(str(record.competency_id)) for record in records
    }
    before = {
        (learner_id, rec.competency_id): history.State(rec.level, rec.probability)
        for rec in records
    }
    changes = history.change_rows(
        before=before,
        after={
            (learner_id, cid): history.State(e.level, e.probability) for cid, e in estimates.items()
        },
        cause=history.CAUSE_ANSWER,
        response_id=response_id,
        at=at,
    )
    _save_with_changes(
        learner_id=learner_id,
        estimates=[
            (
                record.competency_id,
                estimates[record.competency_id],
                record.correct + int(correct and record.wanted),
            )
            for record in records
        ],
        changes=changes,
    )
    save_learner_states({learner_id: tracker.learner_state})
    if before_out is not None:
        for cid in answered:
            before_out[cid] = before.get((learner_id, cid), history.NONE)
    return {cid: estimates[cid] for cid in answered}


def _check_attempt(
    attempt: Attempt, learner: User, item: Item, now: dt.datetime, given: dt.datetime | None
) -> None:
    """Refuse an answer the attempt cannot take. A second answer to the same
    question is refused by the database (the partial unique constraint
    ``response_once_per_attempt_item``), not by a query here. ``given`` is
    the (bounded) time an answer sent late from a device was given: the
    time limit is judged by it, so that the time counted is the time the
    learner really spent; whether the assessment is still open is judged
    when it arrives (a closed assessment has released its feedback)."""
    if attempt.learner_id != learner.pk:
        raise PermissionDenied(NOT_ASSIGNED)
    check_can_answer(attempt.assessment, learner, now)
    if attempt.submitted_at is not None:
        raise ValidationError(ALREADY_SUBMITTED)
    if attempt.due_at is not None:
        if given is None and attempt.due_at < now:
            raise ValidationError(TIME_UP)
        if given is not None and attempt.due_at < given:
            raise ValidationError(ANSWERED_AFTER_TIME_LIMIT)
        if given is not None and attempt.due_at + OFFLINE_GRACE < now:
            raise ValidationError(SENT_TOO_LONG_AFTER_TIME_LIMIT)
    if item.pk not in attempt.item_ids:
        raise ValidationError(ITEM_NOT_IN_ASSESSMENT)


def _recorded_earlier(learner: User, idempotency_key: str) -> Response | None:
    return Response.objects.filter(learner=learner, idempotency_key=idempotency_key).first()


def bounded_answer_time(
    answered_at: dt.datetime, *, attempt: Attempt | None, now: dt.datetime
) -> dt.datetime:
    """The device's time for an answer, kept between the start of the
    attempt (or ``MAX_OFFLINE_AGE`` ago, outside an assessment) and the
    moment the server received it: an answer is never given before its
    attempt started or after it arrived, whatever the device's clock says."""
    if timezone.is_naive(answered_at):
        answered_at = timezone.make_aware(answered_at, dt.UTC)
    earliest = attempt.started_at if attempt is not None else now - MAX_OFFLINE_AGE
    return max(earliest, min(answered_at, now))


def _refusal_keep(
    *,
    learner: User,
    item: Item,
    attempt: Attempt | None,
    answer: str,
    idempotency_key: str,
    answered_at: dt.datetime | None,
    exc: Exception,
) -> None:
    """Keep a refused offline answer for the teacher, with the reason in
    English (the catalogue's message id; pages show it translated)."""
    with translation.override("en"):
        if isinstance(exc, ValidationError):
            reason = " ".join(str(m) for m in exc.messages)
        else:
            reason = str(exc) or NOT_ASSIGNED
    RefusedAnswer.objects.get_or_create(
        learner=learner,
        idempotency_key=idempotency_key,
        defaults={
            "school_id": item.school_id,
            "item": item,
            "attempt": attempt,
            "answer": answer[:10000],
            "answered_at": answered_at,
            "reason": reason,
        },
    )


def response_record(
    *,
    learner: User,
    item: Item,
    answer: str,
    idempotency_key: str,
    attempt: Attempt | None = None,
    source: str = SOURCE_ASSESSMENT,
    time_on_item_ms: int = 0,
    recorded_by: User | None = None,
    recorded_at: dt.datetime | None = None,
    answered_at: dt.datetime | None = None,
    offline: bool = False,
) -> RecordResult:
    """Record one answer and update the learner's mastery of the item's
    competencies at once, in one transaction.

    ``answered_at`` is when the learner gave it by the device's clock (an
    answer queued offline and sent later, ``offline``), bounded by
    ``bounded_answer_time``: the time limit is judged by it and mastery
    counts the answer in the order the answers were given. An offline
    answer that is refused is kept as a ``RefusedAnswer`` with the reason
    (for the teacher) before the refusal is raised; a retry with the same key
    is refused again with the same reason and nothing new is kept. The same idempotency key twice
    records once (the first record is returned with ``created=False``, even
    if the assessment has closed since). An answer to an assessment not
    assigned to the learner, closed, handed in, out of time or already
    answered is refused; an answer that cannot be read (a non-number in a
    numeric item) is refused with a message.

    It is on every learner's answer, with a latency target (p95 under 20 ms
    on PostgreSQL, ``bench/response_record.py``), so the common path is a
    fixed handful of statements between BEGIN and COMMIT: the assignment
    check (for an answer in an assessment), the INSERT of the response, and
    three for mastery however many competencies the item has (create the
    missing records, lock them, one upsert) — pinned by
    ``test_recording_costs_a_fixed_number_of_queries``. An item read by
    ``selectors.item_for_answer`` carries its school's latest fit, so then
    not even the cache is asked which model is current. A repeated key or a
    second answer to a question is caught by the unique constraints; only
    then is the earlier record looked up, after the rollback."""
    if not offline:
        return _record_or_earlier(
            learner=learner, item=item, answer=answer, idempotency_key=idempotency_key,
            attempt=attempt, source=source, time_on_item_ms=time_on_item_ms,
            recorded_by=recorded_by, recorded_at=recorded_at, answered_at=answered_at,
        )  # fmt: skip
    refused = RefusedAnswer.objects.filter(learner=learner, idempotency_key=idempotency_key).first()
    if refused is not None:
        raise ValidationError(gettext(refused.reason))
    try:
        return _record_or_earlier(
            learner=learner, item=item, answer=answer, idempotency_key=idempotency_key,
            attempt=attempt, source=source, time_on_item_ms=time_on_item_ms,
            recorded_by=recorded_by, recorded_at=recorded_at, answered_at=answered_at,
            offline=True,
        )  # fmt: skip
    except (ValidationError, PermissionDenied) as exc:
        _refusal_keep(
            learner=learner, item=item, attempt=attempt, answer=answer,
            idempotency_key=idempotency_key, answered_at=answered_at, exc=exc,
        )  # fmt: skip
        raise


def _record_or_earlier(
    *, learner: User, idempotency_key: str, attempt: Attempt | None, item: Item, **kwargs
) -> RecordResult:
    """``_record``, or the earlier record when the key was already used."""
    # A practice answer recorded in a transaction of its own does not wait
    # for the disk (decision 0010); only then: SET LOCAL would otherwise
    # reach every write of a caller's enclosing transaction.
    kwargs["relaxed_commit"] = attempt is None and not connection.in_atomic_block
    try:
        return _record(
            learner=learner, item=item, idempotency_key=idempotency_key, attempt=attempt, **kwargs
        )
    except IntegrityError:
        earlier = _recorded_earlier(learner, idempotency_key)
        if earlier is not None:
            return RecordResult(response=earlier, created=False)
        if (
            attempt is not None
            and Response.objects.filter(attempt=attempt, item=item, corrects__isnull=True).exists()
        ):
            raise ValidationError(ALREADY_ANSWERED) from None
        raise
    except (ValidationError, PermissionDenied):
        # A retry of an answer that was recorded before the assessment
        # closed (or the time ran out) still gets its record back.
        earlier = _recorded_earlier(learner, idempotency_key)
        if earlier is not None:
            return RecordResult(response=earlier, created=False)
        raise


@transaction.atomic
def _record(
    *,
    learner: User,
    item: Item,
    answer: str,
    idempotency_key: str,
    attempt: Attempt | None,
    source: str,
    time_on_item_ms: int,
    recorded_by: User | None,
    recorded_at: dt.datetime | None,
    answered_at: dt.datetime | None = None,
    offline: bool = False,
    relaxed_commit: bool = False,
) -> RecordResult:
    now = timezone.now()
    given = (
        bounded_answer_time(answered_at, attempt=attempt, now=now)
        if answered_at is not None
        else None
    )
    if attempt is not None:
        _check_attempt(attempt, learner, item, now, given)
    scored = score_answer(item, answer)
    response = Response(
        school_id=item.school_id,
        learner=learner,
        item=item,
        attempt=attempt,
        source=source if attempt is None else SOURCE_ASSESSMENT,
        answer=scored.answer,
        correct=scored.correct,
        score=scored.score,
        time_on_item_ms=max(0, min(int(time_on_item_ms), MAX_TIME_ON_ITEM_MS)),
        idempotency_key=idempotency_key,
        recorded_by=recorded_by or learner,
        recorded_at=recorded_at or now,
        answered_at=given,
        offline=offline,
    )
    model = claimed = None
    if scored.correct is not None and given is None:
        # Read with the item by ``selectors.item_for_answer`` (the API).
        model = mastery.model_for_school(
            item.school_id, latest=getattr(item, "latest_model_id", None)
        )
    relax = _relaxing(relaxed_commit)
    if model is not None and not model.per_learner and _carries_with():
        # The item's records are claimed by the response's own INSERT (a
        # WITH clause): a round trip fewer on every answer (decision 0020).
        claim = claim_of_item(learner_id=learner.pk, item_id=item.pk)
        values = handwritten.insert(
            response, also=(*relax, claim.returned), before=claim.clause, before_params=claim.params
        )
        claimed = claimed_records(values[-1])
    else:
        handwritten.insert(response, also=relax)
    estimates: dict[int, mastery.Estimate] = {}
    before: dict[int, history.State] = {}
    if scored.correct is not None and given is not None and _answered_later_exists(response):
        estimates = _replay_in_answer_order(response)
    elif scored.correct is not None:
        estimates = _apply_evidence(
            school_id=item.school_id,
            learner_id=learner.pk,
            item_id=item.pk,
            correct=scored.correct,
            response_id=response.pk,
            at=given or response.recorded_at,
            before_out=before,
            latest_model_id=getattr(item, "latest_model_id", None),
            model=model,
            locked=claimed,
        )
    return RecordResult(response=response, created=True, estimates=estimates, before=before)


def _answered_later_exists(response: Response) -> bool:
    """Whether the learner has evidence given after this late answer (from
    another device, or online while this one waited in a queue)."""
    given = response.answered_at
    return (
        Response.objects.filter(learner_id=response.learner_id)
        .exclude(pk=response.pk)
        .filter(Q(answered_at__gt=given) | Q(answered_at__isnull=True, recorded_at__gt=given))
        .exists()
    )


def _replay_in_answer_order(response: Response) -> dict[int, mastery.Estimate]:
    """Rebuild the learner's mastery from their evidence in the order the
    answers were given, so that a late answer counts before the later ones
    instead of on top of them."""
    recompute_with_history(
        learner_id=response.learner_id,
        item_id=response.item_id,
        school_id=response.school_id,
        cause=history.CAUSE_ANSWER,
        response_id=response.pk,
    )
    return {
        rec.competency_id: mastery.Estimate(
            probability=rec.probability, attempts=rec.attempts, level=rec.level, state=rec.state
        )
        for rec in MasteryRecord.objects.filter(
            learner_id=response.learner_id, competency_id__in=item_competency_ids(response.item_id)
        )
    }


@transaction.atomic
def response_correct(
    *,
    original: Response,
    recorded_by: User,
    idempotency_key: str,
    correct: bool,
    answer: str | None = None,
) -> Response:
    """A teacher's correction of an automatic score (an accepted answer the
    key missed, say): a new record pointing at the original; the learner's
    mastery is replayed from their evidence with the correction in force."""
    existing = Response.objects.filter(
        learner_id=original.learner_id, idempotency_key=idempotency_key
    ).first()
    if existing is not None:
        if existing.corrects_id != original.pk:
            raise ValidationError(KEY_USED_ELSEWHERE)
        return existing
    if original.item.kind == kinds.RUBRIC:
        raise ValidationError(RUBRIC_IS_RESCORED)
    if original.corrections.exists():
        raise ValidationError(ALREADY_CORRECTED)
    correction = Response(
        school_id=original.school_id,
        learner_id=original.learner_id,
        item_id=original.item_id,
        attempt_id=original.attempt_id,
        source=original.source,
        answer=original.answer if answer is None else answer,
        correct=correct,
        score=1.0 if correct else 0.0,
        time_on_item_ms=0,
        idempotency_key=idempotency_key,
        corrects=original,
        recorded_by=recorded_by,
    )
    correction.save()
    recompute_with_history(
        learner_id=original.learner_id,
        item_id=original.item_id,
        school_id=original.school_id,
        cause=history.CAUSE_CORRECTION,
        response_id=correction.pk,
    )
    return correction


@transaction.atomic
def rubric_score_record(
    *,
    response: Response,
    recorded_by: User,
    kind: str,
    points: list[int],
    idempotency_key: str,
    comment: str = "",
    corrects: RubricScore | None = None,
) -> tuple[RubricScore, bool]:
    """A teacher's rubric score (which counts as evidence for mastery) or the
    learner's self-rating (kept beside it, never changing mastery). Returns
    (score, created)."""
    item = response.item
    if item.kind != kinds.RUBRIC:
        raise ValidationError(NOT_A_RUBRIC_TASK)
    if kind == SCORE_SELF and recorded_by.pk != response.learner_id:
        raise PermissionDenied(SELF_RATING_OWN_ONLY)
    existing = RubricScore.objects.filter(
        response=response, kind=kind, idempotency_key=idempotency_key
    ).first()
    if existing is not None:
        return existing, False
    if corrects is not None:
        if corrects.response_id != response.pk or corrects.kind != kind:
            raise ValidationError(CORRECTS_OTHER)
        if corrects.corrections.exists():
            raise ValidationError(ALREADY_CORRECTED)
    total = check_rubric_points(item, points)
    score = RubricScore(
        response=response,
        kind=kind,
        points=list(points),
        total=total,
        maximum=item.rubric_max,
        comment=comment,
        idempotency_key=idempotency_key,
        corrects=corrects,
        recorded_by=recorded_by,
    )
    score.full_clean()
    score.save()
    if kind == SCORE_TEACHER:
        earlier = RubricScore.objects.filter(response=response, kind=kind).exclude(pk=score.pk)
        if corrects is None and not earlier.exists():
            _apply_evidence(
                school_id=response.school_id,
                learner_id=response.learner_id,
                item_id=item.pk,
                correct=score.fraction >= mastery.RUBRIC_CORRECT_FRACTION,
                response_id=response.pk,
            )
        else:
            recompute_with_history(
                learner_id=response.learner_id,
                item_id=item.pk,
                school_id=response.school_id,
                cause=history.CAUSE_CORRECTION,
                response_id=response.pk,
            )
    return score, True

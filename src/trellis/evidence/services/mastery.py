"""Fitting a school's mastery model and recomputing records from evidence.

Mastery records are derived state: they can always be rebuilt by replaying a
learner's effective evidence (each response not superseded by a correction;
a performance task by its newest teacher score) through the school's model.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from trellis.curriculum.models import Item
from trellis.evidence import mastery
from trellis.evidence.models import MasteryModel, MasteryRecord, Response, RubricScore
from trellis.evidence.models import response as r
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


@transaction.atomic
def mastery_recompute(*, learner_id: int, competency_ids: list[int], school_id: int) -> None:
    """Rebuild one learner's records on these competencies from their evidence."""
    model = mastery.model_for_school(school_id)
    wanted = set(competency_ids)
    outcomes = effective_outcomes(
        Response.objects.filter(learner_id=learner_id, item__competencies__in=wanted).distinct()
    )
    by_item = _item_competencies(o[1] for o in outcomes)
    history: dict[int, list[bool]] = {cid: [] for cid in wanted}
    for _, item_id, correct, _ in outcomes:
        for cid in by_item[item_id]:
            if cid in wanted:
                history[cid].append(correct)
    for cid in sorted(wanted):
        record, _ = MasteryRecord.objects.select_for_update().get_or_create(
            learner_id=learner_id, competency_id=cid
        )
        estimate = mastery.replay(model, str(cid), history[cid])
        record.probability = estimate.probability
        record.level = estimate.level
        record.attempts = estimate.attempts
        record.correct = sum(history[cid])
        record.state = estimate.state
        record.save()


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
    records_rebuild(school=school, model=fitted, observations=observations)
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

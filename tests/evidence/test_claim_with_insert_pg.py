"""Decision 0020: on PostgreSQL the response's INSERT carries the claim of
the learner's mastery records (a WITH clause), a round trip fewer per
answer, and the write of the new estimates carries the changes of level.
What the claim hands back must be what ``lock_records`` reads, to the digit,
and the answer and its changes of level must be kept as before."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from tests.curriculum.factories import leaf
from tests.evidence.test_concurrency_pg import _items
from trellis.curriculum import services as curriculum_services
from trellis.curriculum.models import item as kinds
from trellis.evidence import services
from trellis.evidence.models import MasteryChange, MasteryRecord
from trellis.evidence.services.mastery import claim_of_item, claimed_records, lock_records

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _claimed(learner_id: int, item_id: int):
    claim = claim_of_item(learner_id=learner_id, item_id=item_id)
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {claim.clause} SELECT {claim.returned}", claim.params)
        return claimed_records(cursor.fetchone()[0])


def test_the_claim_carried_by_the_insert_reads_what_lock_records_reads(world):
    competency, items = _items(world, 2)
    learner = world.learner
    second = leaf(competency.framework, "A.2")
    items[0].competencies.add(second)
    for n, answer in enumerate(("1", "1", "7")):
        services.response_record(
            learner=learner, item=items[0], answer=answer, idempotency_key=f"k{n}",
            source="practice",
        )  # fmt: skip
    with transaction.atomic():
        by_statement = lock_records(learner_id=learner.pk, item_id=items[0].pk)
    with transaction.atomic():
        by_claim = _claimed(learner.pk, items[0].pk)
    assert len(by_claim) == 2 and by_claim == by_statement
    assert all(record.state and record.correct == 2 for record in by_claim)
    assert [r.competency_id for r in by_claim] == sorted([competency.pk, second.pk])


def test_an_answer_is_counted_once_whichever_way_its_records_are_claimed(world):
    _, items = _items(world, 1)
    learner = world.learner
    moves = []
    for n in range(3):
        result = services.response_record(
            learner=learner, item=items[0], answer="1", idempotency_key=f"p{n}",
            source="practice",
        )  # fmt: skip
        assert result.created
        moves += [
            (result.before[cid].level, estimate.level)
            for cid, estimate in result.estimates.items()
            if result.before[cid].level != estimate.level
        ]
    # Each change of level is kept (carried by the write of the records).
    kept = MasteryChange.objects.filter(learner=learner).order_by("pk")
    assert moves and list(kept.values_list("from_level", "to_level")) == moves
    assert {change.response.learner_id for change in kept} == {learner.pk}
    record = MasteryRecord.objects.get(learner=learner)
    assert (record.attempts, record.correct) == (3, 3)
    assert result.estimates[record.competency_id].probability == pytest.approx(record.probability)
    # An item left with no competency (its tags removed): the claim returns nothing.
    bare = curriculum_services.item_create(
        school=world.school, kind=kinds.NUMERIC, prompt="2+2?", competencies=[items[0].competencies.first()],
        numeric_answer=4,
    )  # fmt: skip
    bare.competencies.clear()
    with transaction.atomic():
        assert _claimed(learner.pk, bare.pk) == []
    assert services.response_record(
        learner=learner, item=bare, answer="4", idempotency_key="bare", source="practice"
    ).created


def test_under_a_per_learner_model_the_changes_of_level_are_kept_too(world):
    """Every record of the learner is rewritten by each answer there; the
    changes of level ride on that write as well."""
    from tests.evidence.simschool import load_log
    from trellis.engine.bkt import BKT
    from trellis.engine.models import MODELS
    from trellis.engine.simulate import simulate
    from trellis.evidence import mastery
    from trellis.evidence.models import LearnerModelState

    per_learner = next(n for n in mastery.candidate_names() if not issubclass(MODELS[n], BKT))
    load_log(world.school, simulate(12, 3, 20, seed=9).log)
    services.mastery_fit_school(school=world.school, candidates=[per_learner])
    mastery.forget_cached_model(world.school.pk)
    learner = LearnerModelState.objects.order_by("learner_id").first().learner
    _, items = _items(world, 4)
    moves, responses = [], []
    for n, item in enumerate(items):
        result = services.response_record(
            learner=learner, item=item, answer=str(item.numeric_answer), idempotency_key=f"l{n}",
            source="practice",
        )  # fmt: skip
        responses.append(result.response.pk)
        moves += [
            (result.response.pk, cid, result.before[cid].level, estimate.level)
            for cid, estimate in result.estimates.items()
            if result.before[cid].level != estimate.level
        ]
    assert moves, "four right answers in a row move the item's competency"
    answered = {cid for _, cid, _, _ in moves}
    kept = MasteryChange.objects.filter(response_id__in=responses, competency_id__in=answered)
    assert sorted(
        kept.values_list("response_id", "competency_id", "from_level", "to_level")
    ) == sorted(moves)

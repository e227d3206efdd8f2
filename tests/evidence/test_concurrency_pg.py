"""Two responses from the same learner arriving at once on PostgreSQL lose
nothing: real threads, each with its own database connection."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from tests.curriculum.factories import leaf, make_framework
from trellis.curriculum import services as curriculum_services
from trellis.curriculum.models import item as kinds
from trellis.evidence import services
from trellis.evidence.models import MasteryRecord, Response

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _run_together(calls) -> list[BaseException]:
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def run(fn):
        try:
            barrier.wait()
            fn()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(fn,)) for fn in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return errors


def _items(world, n):
    framework = make_framework(world.school)
    competency = leaf(framework, "A.1")
    items = [
        curriculum_services.item_create(
            school=world.school,
            kind=kinds.NUMERIC,
            prompt=f"{k}+1?",
            competencies=[competency],
            numeric_answer=k + 1,
        )
        for k in range(n)
    ]
    return competency, items


def test_concurrent_responses_lose_nothing(world):
    competency, items = _items(world, 8)
    learner = world.learner
    calls = [
        (lambda item=item, k=k: services.response_record(
            learner=learner, item=item, answer=str(item.numeric_answer), idempotency_key=f"c{k}", source="practice"
        ))
        for k, item in enumerate(items)
    ]  # fmt: skip
    assert _run_together(calls) == []
    assert Response.objects.filter(learner=learner).count() == 8
    record = MasteryRecord.objects.get(learner=learner, competency=competency)
    assert record.attempts == 8 and record.correct == 8


def test_concurrent_retries_record_once(world):
    _, items = _items(world, 1)
    learner = world.learner
    calls = [
        (lambda: services.response_record(
            learner=learner, item=items[0], answer="1", idempotency_key="same", source="practice"
        ))
        for _ in range(4)
    ]  # fmt: skip
    assert _run_together(calls) == []
    assert Response.objects.filter(learner=learner).count() == 1
    assert MasteryRecord.objects.get(learner=learner).attempts == 1


def test_overlapping_competencies_neither_deadlock_nor_lose(world):
    """Items tagged with two of three competencies, answered at once by one
    learner with no records yet: every record is created once and counts
    every answer (rows are claimed in one order, so no deadlock)."""
    framework = make_framework(world.school)
    comps = [leaf(framework, code) for code in ("A.1", "A.2", "A.3")]
    pairs = [(0, 1), (1, 2), (0, 2), (2, 0), (1, 0), (2, 1)]
    items = [
        curriculum_services.item_create(
            school=world.school,
            kind=kinds.NUMERIC,
            prompt=f"{k}+1?",
            competencies=[comps[i], comps[j]],
            numeric_answer=k + 1,
        )
        for k, (i, j) in enumerate(pairs)
    ]
    learner = world.learner
    calls = [
        (lambda item=item, k=k: services.response_record(
            learner=learner, item=item, answer=str(item.numeric_answer), idempotency_key=f"o{k}", source="practice"
        ))
        for k, item in enumerate(items)
    ]  # fmt: skip
    assert _run_together(calls) == []
    counts = {
        m.competency_id: (m.attempts, m.correct)
        for m in MasteryRecord.objects.filter(learner=learner)
    }
    assert counts == {c.pk: (4, 4) for c in comps}


def test_a_correction_and_a_response_at_once_lose_nothing(world):
    """A teacher's correction (which replays the learner's evidence) and a
    new answer on the same competency arriving together: the record ends up
    as a replay of all the effective evidence."""
    competency, items = _items(world, 3)
    learner = world.learner
    wrong = services.response_record(
        learner=learner, item=items[0], answer="0", idempotency_key="w", source="practice"
    ).response
    calls = [
        lambda: services.response_correct(
            original=wrong, recorded_by=world.teacher, idempotency_key="fix", correct=True
        ),
        lambda: services.response_record(
            learner=learner, item=items[1], answer="2", idempotency_key="n", source="practice"
        ),
    ]
    assert _run_together(calls) == []
    record = MasteryRecord.objects.get(learner=learner, competency=competency)
    assert (record.attempts, record.correct) == (2, 2)


def test_per_learner_model_answers_at_once_lose_nothing(world):
    """Under a per-learner model (state in ``LearnerModelState``, every record
    of the learner rewritten by each answer): answers arriving at once on
    items with two competencies neither deadlock nor lose an update, and the
    records equal a replay."""
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
    framework = make_framework(world.school)
    comps = [leaf(framework, code) for code in ("A.1", "A.2", "A.3")]
    pairs = [(0, 1), (1, 2), (0, 2), (2, 0), (1, 0), (2, 1)]
    items = [
        curriculum_services.item_create(
            school=world.school, kind=kinds.NUMERIC, prompt=f"{k}+1?",
            competencies=[comps[i], comps[j]], numeric_answer=k + 1,
        )
        for k, (i, j) in enumerate(pairs)
    ]  # fmt: skip
    calls = [
        (lambda item=item, k=k: services.response_record(
            learner=learner, item=item, answer=str(item.numeric_answer), idempotency_key=f"p{k}", source="practice"
        ))
        for k, item in enumerate(items)
    ]  # fmt: skip
    assert _run_together(calls) == []
    live = {
        m.competency_id: (m.probability, m.attempts, m.correct)
        for m in MasteryRecord.objects.filter(learner=learner)
    }
    assert {c.pk: live[c.pk][1:] for c in comps} == {c.pk: (4, 4) for c in comps}
    # Counts agree with a replay. (Probabilities may not: answers racing
    # each other are applied in the order they got the lock, a replay takes
    # them in recorded time; the next fit re-derives everything.)
    services.mastery_recompute(learner_id=learner.pk, competency_ids=[], school_id=world.school.pk)
    for m in MasteryRecord.objects.filter(learner=learner):
        assert live[m.competency_id][1:] == (m.attempts, m.correct)
    # The learner's state took every answer once.
    tracker = mastery.Tracker(
        mastery.model_for_school(world.school.pk),
        learner_state=LearnerModelState.objects.get(learner=learner).state,
    )
    assert [tracker.estimate(str(c.pk)).attempts for c in comps] == [4, 4, 4]

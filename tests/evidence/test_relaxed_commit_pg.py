"""Decision 0010: a practice answer's transaction commits without waiting
for the disk on PostgreSQL; an answer in an assessment, and any answer
recorded inside a caller's own transaction, still waits."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from tests.evidence.test_concurrency_pg import _items
from trellis.evidence import services
from trellis.evidence.models import MasteryRecord, Response
from trellis.evidence.models.assessment import FOR_LEARNING

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _relaxed(record) -> bool:
    """Whether the recording's transaction would commit without waiting for
    the disk: the server's own ``synchronous_commit`` as the transaction
    stands after its last statement (the setting is read at COMMIT), asked
    on the same connection before the commit."""
    seen: list[str] = []

    def after_each(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if context["connection"].in_atomic_block:
            seen.append(
                context["connection"].connection.execute("SHOW synchronous_commit").fetchone()[0]
            )
        return result

    with connection.execute_wrapper(after_each):
        record()
    assert seen, "no statement ran inside the recording's transaction"
    return seen[-1] == "off"


def test_practice_answers_do_not_wait_for_the_disk_assessment_answers_do(world):
    competency, items = _items(world, 2)
    learner = world.learner
    practice = dict(learner=learner, item=items[0], answer="1", source="practice")
    assert _relaxed(lambda: services.response_record(**practice, idempotency_key="p1"))
    # Committed all the same, the answer with its mastery update.
    record = MasteryRecord.objects.get(learner=learner, competency=competency)
    assert Response.objects.filter(learner=learner).count() == 1 and record.attempts == 1
    assessment = services.assessment_create(
        school_class=world.class_a, title="Check", purpose=FOR_LEARNING, created_by=world.teacher,
        items=items,
    )  # fmt: skip
    attempt = services.attempt_start(assessment=assessment, learner=learner)
    assert not _relaxed(
        lambda: services.response_record(
            learner=learner, item=items[1], answer="2", idempotency_key="a1", attempt=attempt
        )
    )
    with transaction.atomic():
        assert not _relaxed(lambda: services.response_record(**practice, idempotency_key="p2"))

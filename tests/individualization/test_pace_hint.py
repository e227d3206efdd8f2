"""The answer endpoint reads, with the item, whether the learner has a pace
under way (``individualization.pace_hint``, decision 0020): the pace check
after the answer runs, and moves the learner on, only then; a learner with
no pace under way costs no read of the paces."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.individualization.helpers import curriculum_for
from trellis.api.models import ApiToken
from trellis.evidence.models import MasteryRecord
from trellis.individualization.models import LearnerPace
from trellis.individualization.services import pacing

pytestmark = pytest.mark.django_db

PACES = LearnerPace._meta.db_table


def _answer(learner, item, key: str, on_commit) -> list[str]:
    """Answer the item rightly through the API with a bearer token; the SQL
    that ran, after-commit work included."""
    _, raw = ApiToken.issue(user=learner, name=key)
    with CaptureQueriesContext(connection) as ctx, on_commit(execute=True):
        reply = Client().post(
            "/api/v1/responses",
            data=json.dumps({"item_id": item.pk, "answer": "0"}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
            HTTP_IDEMPOTENCY_KEY=key,
        )
    assert reply.status_code == 201, reply.content
    return [q["sql"] for q in ctx.captured_queries]


def _reads_paces(statements: list[str]) -> bool:
    """Whether a statement read the paces' rows: a SELECT whose own FROM is
    the paces' table (not a subquery, as in the item's read)."""
    for sql in statements:
        sql = sql.replace('"', "")
        while re.search(r"\([^()]*\)", sql):
            sql = re.sub(r"\([^()]*\)", "", sql)
        if sql.upper().startswith("SELECT") and f" FROM {PACES} " in sql:
            return True
    return False


def test_the_pace_check_after_an_answer_runs_only_for_a_pace_under_way(
    world, django_capture_on_commit_callbacks
):
    cur = curriculum_for(world)
    sequence = pacing.sequence_create(
        school_class=world.class_a, title="Ratios", created_by=world.teacher
    )
    # A module without a check: passed once its competency is proficient
    # (rates, already; the answers below are on ratios and leave it so).
    pacing.module_add(sequence=sequence, title="Rates", competencies=[cur.rate], threshold=0.6)
    pace = LearnerPace.objects.get(learner=world.learner)
    assert pace.finished_at is None
    MasteryRecord.objects.create(
        learner=world.learner, competency=cur.rate, probability=0.9, level="proficient",
        attempts=6, correct=6,
    )  # fmt: skip

    # Under way: read, checked, and the learner moves on (the only module: done).
    assert _reads_paces(
        _answer(world.learner, cur.items[0], "first", django_capture_on_commit_callbacks)
    )
    pace.refresh_from_db()
    assert pace.finished_at is not None and pace.current_module is None

    # Finished: nothing under way, so nothing read after the answer.
    assert not _reads_paces(
        _answer(world.learner, cur.items[1], "second", django_capture_on_commit_callbacks)
    )
    # A learner of the school never placed on a sequence: the same.
    assert not LearnerPace.objects.filter(learner=world.other_learner).exists()
    assert not _reads_paces(
        _answer(world.other_learner, cur.items[1], "third", django_capture_on_commit_callbacks)
    )


def test_answers_recorded_without_the_note_are_checked_as_before(
    world, django_capture_on_commit_callbacks
):
    """The service on its own (a page, an import): the pace check runs."""
    from trellis.evidence import services

    cur = curriculum_for(world)
    with CaptureQueriesContext(connection) as ctx, django_capture_on_commit_callbacks(execute=True):
        services.response_record(
            learner=world.other_learner, item=cur.items[0], answer="0", idempotency_key="k",
            source="practice",
        )  # fmt: skip
    assert _reads_paces([q["sql"] for q in ctx.captured_queries])

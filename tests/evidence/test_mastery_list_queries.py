"""``GET /api/v1/mastery`` and the class mastery export read rows with
``values()`` in one query however many learners and competencies: the
counts are pinned exactly, for a small class and for one three times its
size, and the rows are checked against the records."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.curriculum.factories import leaf
from tests.factories import EnrollmentFactory, MembershipFactory, UserFactory
from trellis.evidence.models import MasteryRecord
from trellis.people import roles

pytestmark = pytest.mark.django_db

#: Session, account, then the rows (the mastery list: one more for the
#: caller's visible learners is a subquery, not a query).
MASTERY_LIST_QUERIES = 3
#: Session, account; the class, the caller's memberships and two checks that
#: they teach it (access_class, then the export rule); the school; the rows.
EXPORT_QUERIES = 8


def _grow(setup, learners: int) -> None:
    """``learners`` more learners in class A, each with a record on three
    competencies."""
    school = setup.world.school
    competencies = [leaf(setup.framework, code) for code in ("A.1", "A.2", "A.3")]
    for _ in range(learners):
        learner = UserFactory()
        MembershipFactory(user=learner, school=school, role=roles.LEARNER)
        EnrollmentFactory(school_class=setup.world.class_a, learner=learner)
        MasteryRecord.objects.bulk_create(
            [
                MasteryRecord(learner=learner, competency=c, probability=0.123456, level="familiar",
                              attempts=2, correct=1)
                for c in competencies
            ]
        )  # fmt: skip


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_mastery_list_costs_the_same_queries_for_a_bigger_class(setup, django_assert_num_queries):
    client = _client(setup.world.teacher)
    for more in (2, 6):
        _grow(setup, more)
        expected = MasteryRecord.objects.filter(
            learner__enrollments__school_class=setup.world.class_a
        ).count()
        with django_assert_num_queries(MASTERY_LIST_QUERIES):
            rows = client.get("/api/v1/mastery").json()
        assert len(rows) == expected
    first = rows[0]
    record = MasteryRecord.objects.select_related("competency").get(
        learner_id=first["learner_id"], competency_id=first["competency_id"]
    )
    assert first["code"] == record.competency.code
    assert first["probability"] == round(record.probability, 4) == 0.1235
    assert first["level"] == record.level and first["attempts"] == record.attempts
    keys = [(row["learner_id"], row["competency_id"]) for row in rows]
    assert keys == sorted(keys)


def test_class_mastery_export_costs_the_same_queries_for_a_bigger_class(
    setup, django_assert_num_queries
):
    client = _client(setup.world.teacher)
    url = f"/api/v1/exports/classes/{setup.world.class_a.pk}/mastery.json"
    for more in (2, 6):
        _grow(setup, more)
        with django_assert_num_queries(EXPORT_QUERIES):
            rows = client.get(url).json()
        assert (
            len(rows)
            == MasteryRecord.objects.filter(
                learner__enrollments__school_class=setup.world.class_a
            ).count()
        )
    record = MasteryRecord.objects.select_related("learner", "competency").get(
        learner_id=rows[0]["learner_id"], competency_id=rows[0]["competency_id"]
    )
    assert rows[0]["learner"] == record.learner.username
    assert rows[0]["competency"] == record.competency.label
    assert rows[0]["correct"] == record.correct
    names = [row["learner"] for row in rows]
    assert names == sorted(names)

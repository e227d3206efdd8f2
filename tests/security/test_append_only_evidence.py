"""Evidence is append-only in the database too (PostgreSQL): a raw UPDATE or
DELETE on the evidence tables fails, whatever code runs it; erasure still
blanks a learner's free text through the trigger's ignore context."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from tests.differentiation.conftest import answer, make_curriculum
from trellis.evidence.models import Response, RubricScore
from trellis.interop.learner_record import learner_erase

TABLES = [Response._meta.db_table, RubricScore._meta.db_table]


def _raw(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_raw_update_or_delete_of_evidence_fails_on_postgresql(world):
    curriculum = make_curriculum(world.school)
    response = answer(world.learner, curriculum.prereq_item, True).response
    table = Response._meta.db_table
    for sql in (
        f"UPDATE {table} SET correct = false WHERE id = %s",
        f"DELETE FROM {table} WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
            _raw(sql, [response.pk])
    response.refresh_from_db()
    assert response.correct is True


@pytest.mark.postgres
@pytest.mark.django_db
def test_both_evidence_tables_carry_the_trigger(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname LIKE 'pgtrigger_append_only_%%' AND NOT t.tgisinternal"
        )
        assert {row[0] for row in cursor.fetchall()} == set(TABLES)


@pytest.mark.postgres
@pytest.mark.django_db
def test_erasure_still_blanks_the_learners_answers_on_postgresql(world):
    curriculum = make_curriculum(world.school)
    answer(world.learner, curriculum.prereq_item, True)
    learner_erase(learner=world.learner, requested_by=world.admin)
    assert list(
        Response.objects.filter(learner=world.learner).values_list("answer", "correct")
    ) == [("", True)]
    # ...and the trigger is back in force afterwards.
    with pytest.raises(DatabaseError), transaction.atomic():
        _raw(f"UPDATE {TABLES[0]} SET answer = 'x' WHERE learner_id = %s", [world.learner.pk])


@pytest.mark.django_db
def test_the_orm_refuses_to_edit_evidence_on_every_database(world):
    curriculum = make_curriculum(world.school)
    response = answer(world.learner, curriculum.prereq_item, True).response
    response.correct = False
    with pytest.raises(RuntimeError, match="append-only"):
        response.save()
    with pytest.raises(RuntimeError, match="append-only"):
        response.delete()

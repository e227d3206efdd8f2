"""Decision 0016: on PostgreSQL the answer path's hand-written statements
are kept prepared on the server once they have run a few times on a
connection, so the database parses and plans them once, not per answer; the
ORM's own statements are not prepared (Django's cursors bind on the client)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from tests.evidence.test_answer_endpoint_queries import _post
from tests.evidence.test_concurrency_pg import _items
from trellis.api.models import ApiToken
from trellis.people import handwritten

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def _answer(client: Client, raw: str, item_id: int, key: str) -> int:
    return _post(client, raw, item_id, key).status_code


def test_the_answer_paths_statements_are_prepared_after_a_few_answers(world):
    _, items = _items(world, 1)
    _, raw = ApiToken.issue(user=world.learner, name="phone")
    client = Client()
    connection.ensure_connection()
    assert _answer(client, raw, items[0].pk, "k0") == 201
    assert not any("curriculum_item" in s for s in _prepared())
    for n in range(1, handwritten.PREPARE_AFTER + 1):
        assert _answer(client, raw, items[0].pk, f"k{n}") == 201
    prepared = _prepared()
    for table in ("api_apitoken", "people_user", "curriculum_item", "evidence_response"):
        assert any(table in statement for statement in prepared), table
    # The ORM's statements are bound on the client and never prepared.
    assert not any('"evidence_response"."id"' in statement for statement in prepared)


def test_prepared_statements_can_be_turned_off_for_a_pooler(world, monkeypatch):
    """``DATABASE_PREPARED_STATEMENTS=0`` (read at start-up into
    ``handwritten._PREPARED``): the answer path then runs on Django's own
    cursors, and nothing is kept prepared on the server."""
    monkeypatch.setattr(handwritten, "_PREPARED", False)
    _, items = _items(world, 1)
    _, raw = ApiToken.issue(user=world.learner, name="phone")
    client = Client()
    connection.close()
    for n in range(handwritten.PREPARE_AFTER + 2):
        assert _answer(client, raw, items[0].pk, f"off{n}") == 201
    assert _prepared() == []


def test_inside_a_trigger_ignore_the_hand_written_reads_use_djangos_cursor(world):
    """django-pgtrigger's ``ignore`` puts a second statement in front of each
    one, which a server-bound statement refuses: inside it, the hand-written
    reads fall back to Django's cursor and still work."""
    import pgtrigger
    from django.db import transaction

    from trellis.curriculum import selectors as curriculum_selectors
    from trellis.evidence.constants import TRIGGER

    _, items = _items(world, 1)
    with transaction.atomic(), pgtrigger.ignore(f"evidence.Response:{TRIGGER}"):
        item = curriculum_selectors.item_with_practice_flag(world.learner, items[0].pk)
    assert item.pk == items[0].pk and item.may_practise

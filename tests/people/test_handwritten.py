"""Hand-written reads on the answer path (decision 0016) must hand back the
very objects the ORM would: same fields, same Python types (SQLite returns
dates and JSON as text, so the converters matter)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import signals
from django.test import Client

from trellis.api.models import ApiToken
from trellis.curriculum import selectors as curriculum_selectors
from trellis.curriculum.models import Item
from trellis.people import handwritten
from trellis.people.models import User

pytestmark = pytest.mark.django_db


def _read(model, pk):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {handwritten.columns(model, 'x')} FROM {model._meta.db_table} x"
            " WHERE x.id = %s",
            [pk],
        )
        return handwritten.model_from_row(model, cursor.fetchone())


def _fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def _item(world, **fields) -> Item:
    return Item.objects.create(
        school=world.school, prompt="Which is even?", created_by=world.teacher, **fields
    )


def test_a_row_becomes_the_object_the_orm_builds(world):
    item = _item(
        world,
        kind="choice",
        options=[{"text": "3", "correct": False}, {"text": "4", "correct": True}],
        accepted_answers=["4", "four"],
    )
    token, _ = ApiToken.issue(user=world.learner, name="phone")
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=token.created_at)
    for model, pk in ((Item, item.pk), (User, world.learner.pk), (ApiToken, token.pk)):
        read = _read(model, pk)
        assert _fields(read) == _fields(model.objects.get(pk=pk)), model
        assert not read._state.adding
    assert _read(Item, item.pk).options[1]["correct"] is True
    assert _read(ApiToken, token.pk).last_used_at.tzinfo is not None


def test_a_token_is_read_with_its_holder_only_while_the_account_is_active(world):
    token, raw = ApiToken.issue(user=world.learner, name="phone")
    client = Client()
    header = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    reply = client.get("/api/v1/me", **header)
    assert reply.status_code == 200 and reply.json()["id"] == world.learner.pk
    User.objects.filter(pk=world.learner.pk).update(is_active=False)
    assert client.get("/api/v1/me", **header).status_code == 401
    User.objects.filter(pk=world.learner.pk).update(is_active=True)
    ApiToken.objects.filter(pk=token.pk).update(revoked=True)
    assert client.get("/api/v1/me", **header).status_code == 401


def test_the_practice_flag_is_true_only_for_a_learner_of_the_items_school(world, other_world):
    item = _item(world, kind="numeric", numeric_answer=4)
    flags = {
        person: curriculum_selectors.item_with_practice_flag(person, item.pk).may_practise
        for person in (world.learner, world.teacher, world.guardian, other_world.learner)
    }
    assert flags == {
        world.learner: True,
        world.teacher: False,
        world.guardian: False,
        other_world.learner: False,
    }
    assert curriculum_selectors.item_with_practice_flag(world.learner, 10**9) is None


def test_a_few_rows_are_stored_as_bulk_create_stores_them(world):
    """``insert_rows`` (a level change on an answer, decision 0020): the
    stored rows equal ``bulk_create``'s, JSON and times included, with no
    signal sent; more rows than it takes are refused with the reason."""
    fields = dict(
        school=world.school, created_by=world.teacher, kind="choice",
        options=[{"text": "3", "correct": False}, {"text": "4", "correct": True}],
    )  # fmt: skip
    by_hand = [Item(prompt=f"hand {n}", **fields) for n in range(3)]
    by_orm = [Item(prompt=f"orm {n}", **fields) for n in range(3)]
    sent = []

    def saw(sender, **kwargs):
        sent.append(sender)

    signals.post_save.connect(saw, sender=Item)
    try:
        handwritten.insert_rows(by_hand)
    finally:
        signals.post_save.disconnect(saw, sender=Item)
    Item.objects.bulk_create(by_orm)
    assert sent == [] and not by_hand[0]._state.adding

    def stored(prefix: str) -> list[dict]:
        rows = Item.objects.filter(prompt__startswith=prefix).order_by("prompt")
        return [
            {k: v for k, v in _fields(row).items() if k not in ("id", "prompt", "created_at")}
            for row in rows
        ]

    assert len(stored("hand")) == 3 and stored("hand") == stored("orm")
    too_many = [Item(prompt="x", **fields)] * (handwritten.INSERT_ROWS_AT_MOST + 1)
    with pytest.raises(ValueError, match="at most"):
        handwritten.insert_rows(too_many)

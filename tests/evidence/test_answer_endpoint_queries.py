"""The answer endpoint (``POST /api/v1/responses``) is on every learner's
answer and has a load target (issue #18: 32 learners at once, p95 under
100 ms, ``bench/answer_load.py``): under load every round trip to the
database counts, so its statements are pinned here, end to end — the bearer
token, the item with the practice check, the service's transaction, and
what runs after the commit (nothing, for a learner with no pace under way)."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from ninja.responses import NinjaJSONEncoder

from tests.curriculum.factories import leaf
from trellis.api.main import api
from trellis.api.models import ApiToken
from trellis.api.routers.evidence.schemas import ResponseOut
from trellis.curriculum.models import item as kinds
from trellis.evidence.models import MasteryRecord

pytestmark = pytest.mark.django_db


def _flat(sql: str) -> str:
    """The statement without its parenthesized parts (subqueries, lists)."""
    while re.search(r"\([^()]*\)", sql):
        sql = re.sub(r"\([^()]*\)", "", sql)
    return sql


def _statements(captured) -> list[str]:
    """The kind of each statement: "INSERT evidence_response", "SELECT
    curriculum_item" (a SELECT named by the table of its own FROM, not of a
    subquery: the practice check is a subquery inside the item's SELECT); an
    INSERT that carries another in a WITH clause says so ("INSERT
    evidence_response carrying INSERT evidence_masteryrecord")."""
    out = []
    for query in captured:
        sql = query["sql"].replace('"', "")
        verb = sql.split()[0].upper()
        carrying = ""
        if verb == "WITH":
            carrying = f" carrying INSERT {sql.split('INSERT INTO ', 1)[1].split()[0]}"
            sql = _flat(sql).split(" AS ", 1)[1].strip()
            verb = sql.split()[0].upper()
        if verb in {"SAVEPOINT", "RELEASE", "ROLLBACK"}:
            out.append(verb)
        elif verb == "INSERT":
            words = sql.split()
            out.append(f"INSERT {words[words.index('INTO') + 1]}{carrying}")
        else:
            out.append(f"{verb} {_flat(sql).split(' FROM ', 1)[1].split()[0]}")
    return out


def recording_statements(moved: bool) -> list[str]:
    """The response's INSERT and the mastery update of the item's
    competencies, whatever their number, with the change of level kept when
    one ``moved``. On PostgreSQL (decision 0020) the claim of the learner's
    records (created if missing, locked, read) rides on the response's
    INSERT, and the changes of level on the statement that writes the new
    estimates; on SQLite each is a statement of its own."""
    if connection.vendor == "postgresql":
        return [
            "INSERT evidence_response carrying INSERT evidence_masteryrecord",
            "INSERT evidence_masteryrecord"
            + (" carrying INSERT evidence_masterychange" if moved else ""),
        ]
    return [
        "INSERT evidence_response",
        "INSERT evidence_masteryrecord",  # created if missing, locked, read
        "INSERT evidence_masteryrecord",  # the new estimates
        *(["INSERT evidence_masterychange"] if moved else []),
    ]


def _post(client: Client, raw: str, item_id: int, key: str):
    return client.post(
        "/api/v1/responses",
        data=json.dumps({"item_id": item_id, "answer": "2.5"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_a_practice_answer_costs_the_same_statements_however_many_competencies(
    setup, django_capture_on_commit_callbacks
):
    learner = setup.world.learner
    numeric = setup.items[kinds.NUMERIC]
    _, raw = ApiToken.issue(user=learner, name="phone")
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        assert _post(client, raw, numeric.pk, "warm").status_code == 201  # model cached
    for n, key in enumerate(("one", "three")):
        if n:
            numeric.competencies.add(leaf(setup.framework, "A.2"), leaf(setup.framework, "A.3"))
        with (
            CaptureQueriesContext(connection) as ctx,
            django_capture_on_commit_callbacks(execute=True),
        ):
            reply = _post(client, raw, numeric.pk, key)
        assert reply.status_code == 201
        statements = _statements(ctx.captured_queries)
        moved = any("evidence_masterychange" in statement for statement in statements)
        assert statements == [
            "SELECT api_apitoken",  # the token with its holder, if the account is active
            # the item, may the caller practise it, the school's latest fit,
            # and has the caller a pace under way (they have not)
            "SELECT curriculum_item",
            "SAVEPOINT",
            *recording_statements(moved),
            "RELEASE",
            # after the commit, no read of the paces: none is under way
            # (tests/individualization/test_pace_hint.py has one that is)
        ]
    expected = numeric.competencies.count()
    assert MasteryRecord.objects.filter(learner=learner).count() >= expected == 3


def test_the_reply_to_an_answer_is_exactly_what_its_schema_gives(setup):
    """The endpoint writes its JSON without django-ninja's validation on the
    way out (decision 0020): the body must be what validating it against
    ``ResponseOut`` and rendering it gives, field for field (a missing field,
    a number as text or a differently written time would show here), with
    the API's content type."""
    learner = setup.world.learner
    numeric = setup.items[kinds.NUMERIC]
    _, raw = ApiToken.issue(user=learner, name="phone")
    client = Client()
    for key, status in (("once", 201), ("once", 200)):  # recorded, then the retry
        reply = _post(client, raw, numeric.pk, key)
        assert reply.status_code == status
        assert reply["Content-Type"] == api.get_content_type()
        body = json.loads(reply.content)
        assert body["mastery"] or status == 200, "a first answer moves the item's competency"
        schema = ResponseOut.model_validate(body).model_dump()
        assert json.loads(json.dumps(schema, cls=NinjaJSONEncoder)) == body

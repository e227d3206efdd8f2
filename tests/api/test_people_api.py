from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from tests.factories import EnrollmentFactory, MembershipFactory
from trellis.api.models import ApiToken
from trellis.people import roles

pytestmark = pytest.mark.django_db


def test_me_lists_every_role_a_person_holds(world):
    client = Client()
    client.force_login(world.dual)
    body = client.get("/api/v1/me").json()
    assert body["username"] == world.dual.username
    assert body["roles"] == ["teacher", "guardian"]


def test_bearer_token_authenticates_and_a_revoked_one_does_not(world):
    token, raw = ApiToken.issue(user=world.guardian, name="test")
    client = Client()
    ok = client.get("/api/v1/learners", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert ok.status_code == 200
    assert {r["username"] for r in ok.json()} == {world.learner.username, world.sibling.username}
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer trl_wrong").status_code == 401
    token.revoked = True
    token.save()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_token_of_deactivated_account_is_refused(world):
    _, raw = ApiToken.issue(user=world.teacher, name="t")
    world.teacher.is_active = False
    world.teacher.save()
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_only_the_token_hash_is_stored(world, capsys):
    call_command("create_api_token", world.teacher.username, name="cli")
    raw = capsys.readouterr().out.strip()
    assert raw.startswith("trl_")
    assert not ApiToken.objects.filter(key_hash=raw).exists()
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


#: Signing the request in: the session, then its user.
SIGNED_IN = 2
#: The learners the person may see, then their enrolments in one prefetch.
LEARNER_LIST = 2


def test_learner_list_query_count_does_not_grow_with_learners(world, django_assert_num_queries):
    client = Client()
    client.force_login(world.admin)
    with django_assert_num_queries(SIGNED_IN + LEARNER_LIST):
        assert len(client.get("/api/v1/learners").json()) == 3
    for _ in range(4):
        learner = MembershipFactory(school=world.school, role=roles.LEARNER).user
        EnrollmentFactory(school_class=world.class_b, learner=learner)
    with django_assert_num_queries(SIGNED_IN + LEARNER_LIST):
        assert len(client.get("/api/v1/learners").json()) == 3 + 4


def test_openapi_schema_documents_the_people_endpoints(db):
    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Trellis API"
    for path in ("/api/v1/me", "/api/v1/learners", "/api/v1/learners/{learner_id}"):
        assert path in schema["paths"]
    assert {"ActiveSessionAuth", "TokenAuth"} <= set(schema["components"]["securitySchemes"])


def _token_updates(queries) -> int:
    return sum(
        1 for q in queries if q["sql"].startswith("UPDATE") and "api_apitoken" in q["sql"].lower()
    )


def test_token_last_used_is_written_at_most_once_a_minute(world):
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    token, raw = ApiToken.issue(user=world.guardian, name="pace")
    client = Client()
    header = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/api/v1/me", **header).status_code == 200
        assert client.get("/api/v1/me", **header).status_code == 200
    assert _token_updates(ctx.captured_queries) == 1
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None

    # Once the stored time is more than a minute old, the next call writes again.
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(seconds=61))
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/api/v1/me", **header).status_code == 200
    assert _token_updates(ctx.captured_queries) == 1
    token.refresh_from_db()
    assert token.last_used_at > first - timedelta(seconds=61)

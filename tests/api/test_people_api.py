from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from trellis.api.models import ApiToken

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


def test_learner_list_query_count_does_not_grow_with_learners(world, django_assert_max_num_queries):
    client = Client()
    client.force_login(world.admin)
    with django_assert_max_num_queries(6):
        assert len(client.get("/api/v1/learners").json()) == 3


def test_openapi_schema_documents_the_people_endpoints(db):
    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Trellis API"
    for path in ("/api/v1/me", "/api/v1/learners", "/api/v1/learners/{learner_id}"):
        assert path in schema["paths"]
    assert {"ActiveSessionAuth", "TokenAuth"} <= set(schema["components"]["securitySchemes"])

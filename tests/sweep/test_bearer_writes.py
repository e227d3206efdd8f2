"""A program with a bearer token writes through the API as the browser does.
The sweep sends writes with a token and CSRF checked as in production (the
test client skips CSRF unless asked), which is how issue #17's finding 3
(every bearer-token write refused with "CSRF check Failed") was found."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.personalization.conftest import goal_body
from trellis.api.models import ApiToken
from trellis.personalization.models import Goal

pytestmark = pytest.mark.django_db


def test_a_bearer_token_write_is_not_refused_for_csrf(world):
    _record, raw = ApiToken.issue(user=world.learner, name="program")
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {raw}")
    answer = client.post(
        "/api/v1/goals", data=json.dumps(goal_body(), default=str), content_type="application/json"
    )
    assert answer.status_code == 201, answer.content
    assert Goal.objects.filter(learner=world.learner).count() == 1


def test_a_cookie_session_write_without_its_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.learner)
    answer = client.post(
        "/api/v1/goals", data=json.dumps(goal_body(), default=str), content_type="application/json"
    )
    assert answer.status_code == 403
    assert not Goal.objects.filter(learner=world.learner).exists()

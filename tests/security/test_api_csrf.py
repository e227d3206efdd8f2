"""Bearer tokens write without CSRF; cookie sessions still need it.

Django's test client skips CSRF checks unless asked, which is how every
token write being refused went unnoticed: these tests ask."""

from __future__ import annotations

import pytest
from django.test import Client

from trellis.api.models import ApiToken
from trellis.personalization.models import LearnerProfile

pytestmark = pytest.mark.django_db

PROFILE = {"strengths": "fractions"}


def test_a_bearer_token_write_needs_no_csrf_token(world):
    _, raw = ApiToken.issue(user=world.learner, name="script")
    client = Client(enforce_csrf_checks=True)
    response = client.put(
        "/api/v1/profiles/me",
        PROFILE,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 200, response.content
    assert LearnerProfile.objects.get(learner=world.learner).strengths == "fractions"


def test_a_cookie_session_write_without_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.learner)
    response = client.put("/api/v1/profiles/me", PROFILE, content_type="application/json")
    assert response.status_code == 403
    assert not LearnerProfile.objects.filter(learner=world.learner, strengths="fractions").exists()


def test_a_cookie_session_write_with_its_csrf_token_succeeds(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.learner)
    client.get("/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.put(
        "/api/v1/profiles/me", PROFILE, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 200, response.content


def test_a_wrong_token_with_a_session_falls_back_to_the_session_and_its_csrf_check(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.learner)
    response = client.put(
        "/api/v1/profiles/me",
        PROFILE,
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer trl_not-a-token",
    )
    assert response.status_code == 403


def test_the_documented_credential_curl_example_works_with_a_token(world):
    """docs/api.md: ``curl -X POST -H "Authorization: Bearer $T" -d '{...}' .../xapi/credentials``."""
    _, raw = ApiToken.issue(user=world.admin, name="script")
    client = Client(enforce_csrf_checks=True)
    created = client.post(
        "/api/v1/xapi/credentials",
        {"school_id": world.school.pk, "name": "Maths tutor"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert created.status_code == 201, created.content
    revoked = client.post(
        f"/api/v1/xapi/credentials/{created.json()['id']}/revoke",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert revoked.status_code == 200, revoked.content

"""A Content-Security-Policy on every page (django-csp): scripts only from
Trellis's own files, so no template may carry an inline script or an
event-handler attribute."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

import trellis
from trellis.api.models import ApiToken
from trellis.people.middleware import DATA_POLICY

pytestmark = pytest.mark.django_db
TEMPLATES = sorted(Path(trellis.__file__).parent.rglob("*.html"))


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("url", ["/accounts/login/", "/", "/api/v1/docs", "/goals/"])
def test_every_page_carries_a_policy_without_inline_scripts(world, url):
    client = Client()
    if url != "/accounts/login/":
        client.force_login(world.learner)
    response = client.get(url)
    assert response.status_code == 200
    policy = _policy(response)
    assert policy["script-src"] == ["'self'"] or "'unsafe-inline'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["default-src"] == ["'self'"]


def test_no_template_has_an_inline_script_or_event_handler():
    assert TEMPLATES, "templates not found"
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
    # hx-on attributes are event handlers too: htmx runs them through eval.
    handler = re.compile(r"\s(on[a-z]+|hx-on[:\w-]*)\s*=", re.I)
    offenders = [
        str(path)
        for path in TEMPLATES
        if inline_script.search(path.read_text()) or handler.search(path.read_text())
    ]
    assert offenders == []


def test_the_api_docs_load_swagger_from_trellis_itself(world):
    client = Client()
    client.force_login(world.teacher)
    body = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in body
    assert "cdn." not in body


def test_a_json_answer_may_load_nothing_and_be_framed_by_nobody(world):
    """Data, never a page: the API's answers (by session, by bearer token,
    and its errors) carry ``DATA_POLICY``, stricter than the pages'."""
    session = Client()
    session.force_login(world.learner)
    _, raw = ApiToken.issue(user=world.learner, name="phone")
    answers = [
        session.get("/api/v1/me"),
        Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}"),
        Client().get("/api/v1/me"),  # 401, as JSON
    ]
    assert [a.status_code for a in answers] == [200, 200, 401]
    for answer in answers:
        assert answer["Content-Type"].startswith("application/json")
        assert answer["Content-Security-Policy"] == DATA_POLICY
        assert _policy(answer) == {"default-src": ["'none'"], "frame-ancestors": ["'none'"]}

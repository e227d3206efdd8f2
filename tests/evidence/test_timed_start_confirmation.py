"""A timed assessment asks before it starts the clock (issue 20): opening it
shows the time allowed and a "Start now" button; no attempt exists until
the learner presses it."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.individualization.helpers import check_for, curriculum_for
from trellis.evidence.models import Attempt

pytestmark = pytest.mark.django_db


def test_the_clock_starts_only_after_the_confirmation(world):
    cur = curriculum_for(world)
    timed = check_for(world.class_a, cur.items, purpose="of", time_limit_minutes=20)
    client = Client()
    client.force_login(world.learner)
    url = f"/assessments/{timed.pk}/take/"
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "20 minutes" in body and 'name="start"' in body
    assert not Attempt.objects.filter(assessment=timed, learner=world.learner).exists()
    started = client.post(url, {"start": "1"})
    assert started.status_code == 302 and started["Location"] == url
    attempt = Attempt.objects.get(assessment=timed, learner=world.learner)
    assert attempt.due_at is not None
    # Back on the page: the first question, no second confirmation.
    assert 'name="start"' not in client.get(url).content.decode()


def test_an_untimed_assessment_starts_at_once(world):
    cur = curriculum_for(world)
    untimed = check_for(world.class_a, cur.items)
    client = Client()
    client.force_login(world.learner)
    client.get(f"/assessments/{untimed.pk}/take/")
    assert Attempt.objects.filter(assessment=untimed, learner=world.learner).exists()

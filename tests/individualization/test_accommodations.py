"""Each accommodation of an active plan takes effect wherever the learner
meets an item, and for nobody else."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from tests.individualization.helpers import check_for, curriculum_for, fresh, plan_for
from trellis.curriculum.presentation import present_item
from trellis.evidence import services as evidence
from trellis.individualization.constants import (
    EXTENDED_TIME,
    HIGH_CONTRAST,
    LARGE_PRINT,
    READ_ALOUD,
    REDUCED_CHOICES,
)
from trellis.individualization.services import plans

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_extended_time_multiplies_the_time_limit(world):
    cur = curriculum_for(world)
    timed = check_for(world.class_a, cur.items, time_limit_minutes=30)
    assert evidence.effective_time_limit(timed, fresh(world.learner)) == dt.timedelta(minutes=30)
    plan_for(world, accommodations=[EXTENDED_TIME], time_multiplier=1.5)
    assert evidence.effective_time_limit(timed, fresh(world.learner)) == dt.timedelta(minutes=45)
    assert evidence.effective_time_limit(timed, fresh(world.sibling)) == dt.timedelta(minutes=30)
    attempt = evidence.attempt_start(assessment=timed, learner=fresh(world.learner))
    assert attempt.due_at - attempt.started_at == dt.timedelta(minutes=45)
    page = _client(world.learner).get(f"/assessments/{timed.pk}/take/").content.decode()
    assert "time allowed: 45 minutes" in page


def test_a_multiplier_without_extended_time_changes_nothing(world):
    cur = curriculum_for(world)
    timed = check_for(world.class_a, cur.items, time_limit_minutes=30)
    plan_for(world, accommodations=[LARGE_PRINT], time_multiplier=2)
    assert evidence.effective_time_limit(timed, fresh(world.learner)) == dt.timedelta(minutes=30)


def test_reduced_answer_choices_removes_only_removable_distractors(world):
    cur = curriculum_for(world)
    item = cur.items[0]
    assert [o.text for o in present_item(item, fresh(world.learner)).options] == [
        "right",
        "close",
        "silly",
    ]
    plan_for(world, accommodations=[REDUCED_CHOICES])
    shown = present_item(item, fresh(world.learner))
    assert [(o.index, o.text) for o in shown.options] == [(0, "right"), (1, "close")]
    assert [o.text for o in present_item(item, fresh(world.sibling)).options] == [
        "right",
        "close",
        "silly",
    ]
    check = check_for(world.class_a, [item])
    page = _client(world.learner).get(f"/assessments/{check.pk}/take/").content.decode()
    assert "close" in page and "silly" not in page


def test_read_aloud_shows_a_speech_control_on_the_item(world):
    cur = curriculum_for(world)
    check = check_for(world.class_a, cur.items)
    url = f"/assessments/{check.pk}/take/"
    # The speech itself is wired by static/trellis/trellis.js (no inline scripts: CSP).
    assert "indiv-read-aloud" not in _client(world.learner).get(url).content.decode()
    plan_for(world, accommodations=[READ_ALOUD])
    page = _client(world.learner).get(url).content.decode()
    assert "Read the question aloud" in page and 'class="indiv-read-aloud"' in page
    assert "/static/trellis/trellis.js" in page
    assert "indiv-read-aloud" not in _client(world.sibling).get(url).content.decode()


@pytest.mark.parametrize(
    ("accommodation", "css"), [(LARGE_PRINT, "large-print"), (HIGH_CONTRAST, "high-contrast")]
)
def test_large_print_and_high_contrast_change_every_page(world, accommodation, css):
    cur = curriculum_for(world)
    check = check_for(world.class_a, cur.items)
    plan_for(world, accommodations=[accommodation])
    for url in (f"/assessments/{check.pk}/take/", "/plans/"):
        body = _client(world.learner).get(url).content.decode()
        assert f"{css}" in body.split("<body", 1)[1].split(">", 1)[0], url
        other = _client(world.sibling).get(url).content.decode()
        assert css not in other.split("<body", 1)[1].split(">", 1)[0]


def test_a_closed_plan_stops_its_accommodations(world):
    cur = curriculum_for(world)
    timed = check_for(world.class_a, cur.items, time_limit_minutes=20)
    plan = plan_for(world, accommodations=[EXTENDED_TIME], time_multiplier=2)
    plans.plan_update(plan=plan, changed_by=world.teacher, reason="Goals met.", status="closed")
    assert evidence.effective_time_limit(timed, fresh(world.learner)) == dt.timedelta(minutes=20)

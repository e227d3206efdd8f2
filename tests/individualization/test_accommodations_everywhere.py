"""Every accommodation takes effect in every place a learner meets an item:
an assessment, a module's mastery check (reached from "My modules"), the
adaptive practice page, and the API's attempt endpoint. The learner's
classmate, with no plan, sees the same item unchanged.

The fixture item has three options: "right" (correct), "close" and "silly"
(a distractor marked removable)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from tests.individualization.helpers import check_for, curriculum_for, plan_for
from trellis.evidence.models import Attempt, Response
from trellis.evidence.services.responses import TIME_UP
from trellis.individualization.constants import (
    EXTENDED_TIME,
    HIGH_CONTRAST,
    LARGE_PRINT,
    READ_ALOUD,
    REDUCED_CHOICES,
)
from trellis.individualization.services import pacing

pytestmark = pytest.mark.django_db

PAGES = ["assessment", "mastery-check", "practice"]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _page_url(world, cur, place: str, *, time_limit: int | None = None) -> str:
    """The page where the learner meets an item in ``place``."""
    if place == "practice":
        return f"/practice/{cur.ratio.pk}/"
    check = check_for(world.class_a, cur.items, title="Ratio check", time_limit_minutes=time_limit)
    if place == "assessment":
        return f"/assessments/{check.pk}/take/"
    seq = pacing.sequence_create(
        school_class=world.class_a, title="Ratios unit", created_by=world.teacher
    )
    pacing.module_add(
        sequence=seq, title="Ratio language", competencies=[cur.ratio], mastery_check=check
    )
    url = f"/assessments/{check.pk}/take/"
    mine = _client(world.learner).get("/modules/mine/").content.decode()
    assert f'href="{url}"' in mine, "My modules links to the module's mastery check"
    assert f'href="/practice/{cur.ratio.pk}/"' in mine, "and to practice on its competencies"
    return url


def _choices(html: str) -> list[str]:
    """The option labels of the rendered answer form."""
    block = html.split('<ul class="choices">', 1)[1].split("</ul>", 1)[0]
    return [
        re.sub(r"<[^>]+>", "", label).strip()
        for label in re.findall(r"<label[^>]*>(.*?)</label>", block, re.S)
    ]


def _body_classes(html: str) -> str:
    tag = html.split("<body", 1)[1].split(">", 1)[0]
    found = re.search(r'class="([^"]*)"', tag)
    return found.group(1) if found else ""


@pytest.mark.parametrize("place", PAGES)
def test_reduced_answer_choices_in_the_rendered_page(world, place):
    cur = curriculum_for(world)
    url = _page_url(world, cur, place)
    plan_for(world, accommodations=[REDUCED_CHOICES])
    learner_page = _client(world.learner).get(url).content.decode()
    assert _choices(learner_page) == ["right", "close"]
    assert _choices(_client(world.sibling).get(url).content.decode()) == ["right", "close", "silly"]


@pytest.mark.parametrize("place", PAGES)
def test_a_removed_distractor_cannot_be_answered_either(world, place):
    cur = curriculum_for(world)
    url = _page_url(world, cur, place)
    plan_for(world, accommodations=[REDUCED_CHOICES])
    client = _client(world.learner)
    page = client.get(url).content.decode()
    item_id = int(re.search(r'name="item_id" value="(\d+)"', page).group(1))
    response = client.post(url, {"item_id": item_id, "token": "t-removed", "answer": "2"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Response.objects.filter(learner=world.learner).exists()


@pytest.mark.parametrize("place", PAGES)
def test_read_aloud_control_on_the_item(world, place):
    cur = curriculum_for(world)
    url = _page_url(world, cur, place)
    assert "Read the question aloud" not in _client(world.learner).get(url).content.decode()
    plan_for(world, accommodations=[READ_ALOUD])
    page = _client(world.learner).get(url).content.decode()
    assert '<button type="button" class="indiv-read-aloud" data-read="#prompt"' in page
    assert 'id="prompt"' in page  # what the button reads
    assert "/static/trellis/trellis.js" in page  # wires the button to speechSynthesis
    assert "Read the question aloud" not in _client(world.sibling).get(url).content.decode()


@pytest.mark.parametrize("place", PAGES)
@pytest.mark.parametrize(
    ("accommodation", "css"), [(LARGE_PRINT, "large-print"), (HIGH_CONTRAST, "high-contrast")]
)
def test_large_print_and_high_contrast_on_the_item_page(world, place, accommodation, css):
    cur = curriculum_for(world)
    url = _page_url(world, cur, place)
    assert css not in _body_classes(_client(world.learner).get(url).content.decode())
    plan_for(world, accommodations=[accommodation])
    assert css in _body_classes(_client(world.learner).get(url).content.decode()).split()
    assert css not in _body_classes(_client(world.sibling).get(url).content.decode())


@pytest.mark.parametrize("place", ["assessment", "mastery-check"])
def test_extended_time_is_shown_and_enforced(world, place):
    """20 minutes × 1.5: the learner has 30 minutes, shown on the page and
    held by the server; 25 minutes in, the learner may still answer while a
    classmate without the plan may not."""
    cur = curriculum_for(world)
    url = _page_url(world, cur, place, time_limit=20)
    plan_for(world, accommodations=[EXTENDED_TIME], time_multiplier=1.5)
    results = {}
    for who in (world.learner, world.sibling):
        client = _client(who)
        client.post(url, {"start": "1"})  # a timed check asks before its clock starts
        page = client.get(url).content.decode()
        attempt = Attempt.objects.get(learner=who)
        allowed = attempt.due_at - attempt.started_at
        back = dt.timedelta(minutes=25)  # the learner started 25 minutes ago
        Attempt.objects.filter(pk=attempt.pk).update(
            started_at=attempt.started_at - back, due_at=attempt.due_at - back
        )
        item_id = int(re.search(r'name="item_id" value="(\d+)"', page).group(1))
        answered = client.post(url, {"item_id": item_id, "token": f"t-{who.pk}", "answer": "0"})
        results[who.username] = (page, allowed, answered)
    page, allowed, answered = results[world.learner.username]
    assert allowed == dt.timedelta(minutes=30)
    assert "time allowed: 30 minutes" in page
    assert answered.status_code == 302
    assert Response.objects.filter(learner=world.learner).count() == 1
    page, allowed, answered = results[world.sibling.username]
    assert allowed == dt.timedelta(minutes=20) and "time allowed" not in page
    assert answered.status_code == 200 and str(TIME_UP) in answered.content.decode()
    assert not Response.objects.filter(learner=world.sibling).exists()


def test_practice_is_untimed_so_extended_time_says_so(world):
    cur = curriculum_for(world)
    plan_for(world, accommodations=[EXTENDED_TIME])
    page = _client(world.learner).get(f"/practice/{cur.ratio.pk}/").content.decode()
    assert "Extended time" in page and "no time limit here" in page


def test_the_api_attempt_applies_reduced_choices_and_extended_time(world):
    cur = curriculum_for(world)
    check = check_for(world.class_a, cur.items, time_limit_minutes=20)
    plan_for(world, accommodations=[REDUCED_CHOICES, EXTENDED_TIME], time_multiplier=2)
    got = {}
    for who in (world.learner, world.sibling):
        body = _client(who).post(f"/api/v1/assessments/{check.pk}/attempt").json()
        started = Attempt.objects.get(learner=who).started_at
        due = dt.datetime.fromisoformat(body["due_at"].replace("Z", "+00:00"))
        minutes = round((due - started).total_seconds() / 60, 2)  # the API keeps milliseconds
        got[who.username] = ([o["text"] for o in body["next_item"]["options"]], minutes)
    assert got[world.learner.username] == (["right", "close"], 40)
    assert got[world.sibling.username] == (["right", "close", "silly"], 20)


def test_accommodations_follow_only_the_active_plan(world):
    from trellis.individualization.services import plans

    cur = curriculum_for(world)
    url = _page_url(world, cur, "practice")
    plan = plan_for(world, accommodations=[REDUCED_CHOICES, LARGE_PRINT])
    assert _choices(_client(world.learner).get(url).content.decode()) == ["right", "close"]
    plans.plan_update(plan=plan, changed_by=world.teacher, reason="Plan ends.", status="closed")
    page = _client(world.learner).get(url).content.decode()
    assert _choices(page) == ["right", "close", "silly"]
    assert "large-print" not in _body_classes(page)

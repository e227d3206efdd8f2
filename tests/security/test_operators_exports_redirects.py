"""Lows and finding 9: operators administer but do not act as learners; CSV
cells that a spreadsheet would run are escaped; ``next`` never leaves the site."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.evidence.conftest import build
from tests.personalization.conftest import api, choice_body, goal_body, post
from tests.personalization.conftest import comps as _comps  # noqa: F401 - fixture
from trellis.curriculum.models import item as kinds
from trellis.evidence import services as evidence_services
from trellis.evidence.models import Response, RubricScore
from trellis.interop.exports import csv_cell, render
from trellis.personalization.models import Goal, PortfolioEntry, Proposal

pytestmark = pytest.mark.django_db
comps = _comps


@pytest.fixture
def operator(django_user_model):
    return django_user_model.objects.create_superuser("op", "op@example.org", "pw-long-9x")


def test_an_operator_cannot_change_a_learners_goal(world, operator):
    goal = post(api(world.learner), "/goals", goal_body()).json()
    changed = post(api(operator), f"/goals/{goal['id']}", goal_body(title="Hijacked"), "put")
    assert changed.status_code == 403
    assert Goal.objects.get(pk=goal["id"]).title == "Get fluent with ratios"
    # ...while still seeing it, as the administrator.
    assert api(operator).get(f"/api/v1/goals/{goal['id']}").status_code == 200


def test_an_operator_cannot_expose_a_learners_private_portfolio_entry(world, operator):
    made = api(world.learner).post(
        "/api/v1/portfolio", {"kind": "note", "title": "Private thoughts", "note": "mine"}
    )
    assert made.status_code == 201, made.content
    entry_id = made.json()["id"]
    shared = post(
        api(operator),
        f"/portfolio/entries/{entry_id}/sharing",
        {"share_guardians": True, "share_class": True, "share_network": True},
        "put",
    )
    assert shared.status_code == 403
    entry = PortfolioEntry.objects.get(pk=entry_id)
    assert not (entry.share_guardians or entry.share_class or entry.share_network)


def test_an_operator_cannot_submit_a_proposal(world, operator, comps):
    choice = post(api(world.teacher), "/proposals/choices", choice_body(world, comps[0])).json()
    proposal = {"what": "A comic", "how": "Panels", "rubric": "Accuracy: low / high"}
    r = post(api(operator), f"/proposals/choices/{choice['id']}/proposals", proposal)
    assert r.status_code == 403
    assert not Proposal.objects.exists()
    assert (
        post(
            api(world.learner), f"/proposals/choices/{choice['id']}/proposals", proposal
        ).status_code
        == 201
    )


def test_csv_cells_that_start_a_formula_are_escaped():
    assert (
        csv_cell('=HYPERLINK("http://evil.example","x")')
        == '\'=HYPERLINK("http://evil.example","x")'
    )
    for start in ("+", "-", "@", "\t", "\r"):
        assert csv_cell(f"{start}1") == f"'{start}1"
    assert csv_cell(-0.5) == -0.5 and csv_cell(3) == 3 and csv_cell(None) == ""
    assert csv_cell("ratio = 2") == "ratio = 2"


def test_a_goal_title_formula_is_exported_as_text(world):
    title = '=HYPERLINK("http://evil.example","Click")'
    assert post(api(world.learner), "/goals", goal_body(title=title)).status_code == 201
    csv_text = api(world.teacher).get(f"/api/v1/exports/classes/{world.class_a.pk}/goals.csv")
    assert csv_text.status_code == 200, csv_text.content
    body = csv_text.content.decode()
    assert "'=HYPERLINK" in body
    assert "\n=HYPERLINK" not in body and ",=HYPERLINK" not in body
    assert render([{"a": title}], "json") == json.dumps([{"a": title}], indent=1)


@pytest.mark.parametrize(
    "target",
    ["/\\evil.example", "//evil.example", "https://evil.example/", "/\\/evil.example", "\x01/x"],
)
def test_the_self_rating_next_never_leaves_the_site(world, target):
    setup = build(world)
    attempt = evidence_services.attempt_start(assessment=setup.assessment, learner=world.learner)
    evidence_services.response_record(
        learner=world.learner,
        item=setup.items[kinds.RUBRIC],
        answer="My work",
        idempotency_key="k1",
        attempt=attempt,
    )
    response = Response.objects.get(item=setup.items[kinds.RUBRIC])
    client = Client()
    client.force_login(world.learner)
    url = f"/responses/{response.pk}/self-rate/"
    levels = {f"c{n}": "1" for n in range(len(response.item.rubric))}
    done = client.post(
        url + "?" + _q({"next": target}), {"token": f"t-{abs(hash(target))}", **levels}
    )
    assert done.status_code == 302, done.content.decode()[:500]
    assert done["Location"] == "/competencies/"
    assert RubricScore.objects.filter(response=response).exists()


def test_the_self_rating_next_follows_a_path_on_the_site(world):
    setup = build(world)
    attempt = evidence_services.attempt_start(assessment=setup.assessment, learner=world.learner)
    evidence_services.response_record(
        learner=world.learner,
        item=setup.items[kinds.RUBRIC],
        answer="My work",
        idempotency_key="k1",
        attempt=attempt,
    )
    response = Response.objects.get(item=setup.items[kinds.RUBRIC])
    client = Client()
    client.force_login(world.learner)
    levels = {f"c{n}": "1" for n in range(len(response.item.rubric))}
    done = client.post(
        f"/responses/{response.pk}/self-rate/?next=/goals/", {"token": "t-ok", **levels}
    )
    assert done.status_code == 302 and done["Location"] == "/goals/"


def _q(params: dict) -> str:
    from urllib.parse import urlencode

    return urlencode(params)

"""A small framework for each world's school, API helpers, and scored
rubric work for the reflection tests."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from trellis.curriculum.models import Competency, CompetencyLink, Framework, Item, Resource
from trellis.evidence.models import Response
from trellis.evidence.services import rubric_score_record


def make_framework(school) -> tuple[Framework, list[Competency]]:
    fw = Framework.objects.create(school=school, title=f"{school.code} maths")
    comps = [
        Competency.objects.create(
            framework=fw, code=f"{school.code}.{n}", statement=f"Skill {n}", position=n
        )
        for n in (1, 2, 3)
    ]
    CompetencyLink.objects.create(
        framework=fw, kind=CompetencyLink.PRECEDES, origin=comps[0], destination=comps[1]
    )
    return fw, comps


@pytest.fixture
def comps(world):
    return make_framework(world.school)[1]


@pytest.fixture
def other_comps(other_world):
    return make_framework(other_world.school)[1]


def api(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, url: str, body: dict, method: str = "post"):
    return getattr(client, method)(
        f"/api/v1{url}", data=json.dumps(body, default=str), content_type="application/json"
    )


def goal_body(competency=None, **extra) -> dict:
    return {
        "title": "Get fluent with ratios",
        "benchmarks": [
            {
                "description": "Explain a ratio",
                "due_on": "2026-12-01",
                "success_looks_like": "I can teach it to a friend",
            },
            *(
                [
                    {
                        "description": "Master skill",
                        "due_on": "2026-12-10",
                        "success_looks_like": "mastered",
                        "competency_id": competency.pk,
                    }
                ]
                if competency
                else []
            ),
        ],
        **extra,
    }


def choice_body(world, competency, **extra) -> dict:
    return {
        "class_id": world.class_a.pk,
        "competency_id": competency.pk,
        "title": "Show ratios",
        "options": ["A quiz", "A poster"],
        "deadline": (timezone.now() + dt.timedelta(days=7)).isoformat(),
        **extra,
    }


def scored_work(world, competency, teacher_points=(1, 1)) -> Response:
    item = Item.objects.create(
        school=world.school,
        kind="rubric",
        prompt="Build a scale model",
        rubric=[
            {"name": "Accuracy", "levels": ["no", "some", "all"]},
            {"name": "Explanation", "levels": ["no", "some", "all"]},
        ],
    )
    item.competencies.add(competency)
    response = Response.objects.create(
        school=world.school,
        learner=world.learner,
        item=item,
        answer="My model",
        idempotency_key=f"k{item.pk}",
    )
    rubric_score_record(
        response=response,
        recorded_by=world.teacher,
        kind="teacher",
        points=list(teacher_points),
        idempotency_key="t1",
    )
    return response


def make_resource(world, competency, **fields) -> Resource:
    res = Resource.objects.create(
        school=world.school,
        **{"title": "Ratio video", "format": "video", "url": "https://example.org/v", **fields},
    )
    res.competencies.add(competency)
    return res


def join(learner, member, kind: str = "peer"):
    """``member`` invited to ``learner``'s network and accepted."""
    from trellis.personalization.services import network as net_svc

    link = net_svc.network_add(learner=learner, username=member.username, kind=kind)
    return net_svc.network_accept(link=link)


def join_expert(learner, teacher, email: str = "expert@example.org"):
    """An outside expert asked for by the learner, approved by their teacher,
    who accepted; returns the expert's account."""
    from trellis.personalization.services import network as net_svc

    request = net_svc.expert_request(learner=learner, email=email, display_name="Dr Expert")
    invitation = net_svc.expert_approve(request=request, teacher=teacher)
    net_svc.network_accept(link=invitation.link)
    return invitation.link.member

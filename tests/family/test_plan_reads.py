"""Issue #6, privacy: every read of an individual plan is logged. The family
page and ``/api/v1/guardian/children`` show a child's plan (summary,
objectives, supports) to the child's guardian, so each of them writes one
line per plan shown in the plan's read log, which the school's admin sees.
Nobody else reaches the plan through the family view, and a refused or
plan-less view writes nothing."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.differentiation.conftest import answer
from tests.family.conftest import client_for
from trellis.individualization.models import VIA_API, PlanReadLog
from trellis.individualization.services import plans

pytestmark = [pytest.mark.django_db, pytest.mark.privacy]

BASELINE = dt.date(2026, 9, 1)
TARGET = dt.date(2026, 12, 1)


def _plan(w, curriculum, tag: str):
    """An active plan for ``w.learner`` with one objective and one support,
    each named after ``tag`` so that a leak shows up by name."""
    plan = plans.plan_create(
        learner=w.learner,
        author=w.teacher,
        title=f"Plan of {tag}",
        summary=f"Needs of {tag}",
    )
    plans.objective_add(
        plan=plan,
        changed_by=w.teacher,
        reason="First objective.",
        statement=f"Objective of {tag}",
        competencies=[curriculum.objective],
        method="percent_correct",
        baseline_value=40,
        baseline_date=BASELINE,
        target_value=80,
        target_date=TARGET,
    )
    plans.support_add(
        plan=plan,
        changed_by=w.teacher,
        reason="Aide sessions.",
        kind="one_on_one",
        provider=f"Aide of {tag}",
        planned_minutes_per_week=60,
        focus="fluency",
    )
    return plan


@pytest.fixture
def plan_a(world, family):
    return _plan(world, family.curriculum, "s1_learner")


@pytest.fixture
def plan_b(other_world, family):
    return _plan(other_world, family.other_curriculum, "s2_learner")


def _log(plan) -> list[tuple[str, str]]:
    return list(
        PlanReadLog.objects.filter(plan=plan).order_by("pk").values_list("reader__username", "via")
    )


def test_family_page_shows_the_plan_and_logs_one_read(world, plan_a, plan_b):
    client = client_for(world.guardian)
    page = client.get(f"/family/children/{world.learner.pk}/").content.decode()
    for shown in ("family-plan-h", "Plan of s1_learner", "Needs of s1_learner"):
        assert shown in page
    assert "Objective of s1_learner" in page and "Aide of s1_learner" in page
    assert _log(plan_a) == [(world.guardian.username, "page")]
    client.get(f"/family/children/{world.learner.pk}/")
    assert _log(plan_a) == [(world.guardian.username, "page")] * 2  # every opening is a read
    assert _log(plan_b) == []


def test_child_without_a_plan_and_the_live_fragment_log_nothing(world, family, plan_a, plan_b):
    client = client_for(world.guardian)
    page = client.get(f"/family/children/{world.sibling.pk}/").content.decode()
    assert "family-plan-h" not in page and "Plan of" not in page
    assert PlanReadLog.objects.count() == 0
    # The learner's page shows the plan (one read); polling its fragment with
    # the page's ETag answers 304 and logs nothing while nothing changed.
    shown = client.get(f"/family/children/{world.learner.pk}/")
    assert PlanReadLog.objects.count() == 1
    etag = json.loads(shown.context["hx_headers"])["If-None-Match"]
    url = f"/family/children/{world.learner.pk}/live/"
    for _ in range(3):
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert PlanReadLog.objects.count() == 1
    # A change elsewhere on the page re-sends it, but the plan the guardian
    # has is unchanged: still no new read.
    answer(world.learner, family.curriculum.prereq_item, True)
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200
    assert PlanReadLog.objects.count() == 1


def test_api_returns_the_plan_and_logs_one_read_per_plan_shown(world, plan_a, plan_b):
    data = client_for(world.guardian).get("/api/v1/guardian/children").json()
    by_id = {c["id"]: c for c in data}
    assert by_id[world.sibling.pk]["plan"] is None
    assert by_id[world.sibling.pk]["individual_plan"] is None
    learner = by_id[world.learner.pk]
    assert learner["individual_plan"] == "Plan of s1_learner"
    assert learner["plan"] == {
        "title": "Plan of s1_learner",
        "summary": "Needs of s1_learner",
        "objectives": [{"statement": "Objective of s1_learner", "target_date": "2026-12-01"}],
        "supports": [{"kind": "one_on_one", "provider": "Aide of s1_learner", "focus": "fluency"}],
    }
    assert _log(plan_a) == [(world.guardian.username, "api")]
    assert _log(plan_b) == []


@pytest.mark.parametrize(
    "viewer",
    ["admin", "teacher", "teacher_b", "dual", "learner", "sibling", "other_learner", "stranger"],
)
def test_no_one_else_reads_the_plan_through_the_family_view(viewer, world, plan_a, plan_b):
    """Only the child's guardian gets the plan here; everyone else (``dual``
    is the guardian of another learner) sees no plan and logs nothing."""
    client = client_for(world.people()[viewer])
    assert client.get(f"/family/children/{world.learner.pk}/").status_code == 404
    assert client.get(f"/family/children/{plan_b.learner_id}/").status_code == 404
    data = client.get("/api/v1/guardian/children").json()
    assert all(c["plan"] is None and c["individual_plan"] is None for c in data)
    if viewer == "dual":  # their own child, who has no plan: a page, but no plan on it
        page = client.get(f"/family/children/{world.other_learner.pk}/")
        assert page.status_code == 200
        assert "family-plan-h" not in page.content.decode()
    assert PlanReadLog.objects.count() == 0


def test_guardian_in_another_school_logs_only_their_own_childs_plan(
    world, other_world, plan_a, plan_b
):
    client = client_for(other_world.guardian)
    assert client.get(f"/family/children/{world.learner.pk}/").status_code == 404
    data = client.get("/api/v1/guardian/children").json()
    assert {c["plan"]["title"] for c in data if c["plan"]} == {"Plan of s2_learner"}
    assert _log(plan_a) == []
    assert _log(plan_b) == [(other_world.guardian.username, "api")]


def test_admin_access_log_lists_the_guardians_reads(world, plan_a):
    guardian = client_for(world.guardian)
    guardian.get(f"/family/children/{world.learner.pk}/")
    guardian.get("/api/v1/guardian/children")
    admin = client_for(world.admin)
    page = admin.get(f"/plans/{plan_a.pk}/reads/")
    assert page.status_code == 200
    rows = page.content.decode().split("<tbody>")[1]
    assert rows.count(str(world.guardian)) == 2
    assert "<td>Page</td>" in rows and "<td>API</td>" in rows
    api = admin.get(f"/api/v1/individual-plans/{plan_a.pk}/reads").json()
    assert sorted((r["reader_id"], r["via"]) for r in api) == [
        (world.guardian.pk, "api"),
        (world.guardian.pk, "page"),
    ]
    # the log stays the admin's: the guardian may read the plan, not who read it
    assert guardian.get(f"/plans/{plan_a.pk}/reads/").status_code == 403


def test_api_query_count_with_plans(world, plan_a, django_assert_num_queries):
    """Two children, one with a plan: the plan costs its three reads and the
    one INSERT of the log line."""
    client = client_for(world.guardian)
    # tests/family/test_family_privacy.py's fourteen, plus the plan's
    # objectives and supports (two reads) and the read log's INSERT in its
    # savepoint (three statements): nineteen.
    with django_assert_num_queries(19):
        assert len(client.get("/api/v1/guardian/children").json()) == 2


def test_openapi_documents_the_plan_in_the_guardian_answer(db):
    """The plan's schema keeps its own name: a clash with another router's
    ``PlanOut`` would document the wrong fields."""
    from django.test import Client

    schemas = Client().get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert "ChildPlanOut" in schemas["ChildOut"]["properties"]["plan"]["anyOf"][0]["$ref"]
    assert set(schemas["ChildPlanOut"]["properties"]) == {
        "title",
        "summary",
        "objectives",
        "supports",
    }


def test_plan_read_record_refuses_an_unknown_channel_and_writes_nothing(world, plan_a):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as err:
        plans.plan_read_record(plan=plan_a, reader=world.guardian, via="mail")
    assert "via" in err.value.message_dict
    assert _log(plan_a) == []
    plans.plan_read_record(plan=plan_a, reader=world.guardian, via=VIA_API)
    assert _log(plan_a) == [(world.guardian.username, VIA_API)]

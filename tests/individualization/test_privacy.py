"""Who may read and change an individual plan, through the pages and the
API, with a second school alongside: the learner, their guardians, their
teachers and the school's admins read; only their teachers change; every
read is logged and only admins see the log. Expectations written by hand."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.individualization.helpers import answer_all, check_for, curriculum_for, plan_for
from trellis.individualization.models import PlanReadLog
from trellis.individualization.services import pacing, reports
from trellis.people.access import FORBIDDEN, NOT_FOUND

pytestmark = [pytest.mark.django_db, pytest.mark.privacy]

VIEWERS = [
    "admin",
    "teacher",
    "teacher_b",
    "dual",
    "learner",
    "sibling",
    "other_learner",
    "guardian",
    "stranger",
]
READERS = {"admin", "teacher", "learner", "guardian"}
CHANGERS = {"teacher"}
LOG_READERS = {"admin"}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("viewer", VIEWERS)
def test_plan_read_and_change_pages_and_api(viewer, world, other_world):
    plans = [(w, plan_for(w, title=f"{w.school.name} secret plan")) for w in (world, other_world)]
    me = world.people()[viewer]
    client = _client(me)
    for target_world, plan in plans:
        same = target_world is world
        readable = same and viewer in READERS
        page = client.get(f"/plans/{plan.pk}/")
        api = client.get(f"/api/v1/individual-plans/{plan.pk}")
        edit = client.get(f"/plans/{plan.pk}/edit/")
        patch = client.patch(
            f"/api/v1/individual-plans/{plan.pk}",
            data={"reason": "try", "title": "hacked"},
            content_type="application/json",
        )
        reads = client.get(f"/api/v1/individual-plans/{plan.pk}/reads")
        if readable:
            assert page.status_code == 200 and plan.title in page.content.decode()
            assert api.status_code == 200 and api.json()["title"] == plan.title
            want = 200 if viewer in CHANGERS else 403
            assert edit.status_code == want and patch.status_code == want, viewer
            if want == 403:
                assert patch.json() == {"detail": FORBIDDEN}
            assert reads.status_code == (200 if viewer in LOG_READERS else 403)
        else:
            for response in (page, api, edit, patch, reads):
                assert response.status_code == 404, (viewer, target_world.school.name)
                assert plan.title not in response.content.decode()
                assert target_world.learner.username not in response.content.decode()
            assert api.json() == {"detail": NOT_FOUND}
        plan.refresh_from_db()
        expected = (
            "hacked"
            if (readable and viewer in CHANGERS)
            else f"{target_world.school.name} secret plan"
        )
        assert plan.title == expected


@pytest.mark.parametrize("viewer", VIEWERS)
def test_plan_list_holds_exactly_the_readable_plans(viewer, world, other_world):
    plan = plan_for(world)
    plan_for(other_world)
    got = _client(world.people()[viewer]).get("/api/v1/individual-plans").json()
    assert [row["id"] for row in got] == ([plan.pk] if viewer in READERS else [])


def test_every_read_is_logged_and_the_admin_sees_the_log(world):
    plan = plan_for(world)
    _client(world.guardian).get(f"/plans/{plan.pk}/")
    _client(world.learner).get(f"/api/v1/individual-plans/{plan.pk}")
    _client(world.sibling).get(f"/plans/{plan.pk}/")  # refused: not a read
    log = list(
        PlanReadLog.objects.filter(plan=plan).order_by("pk").values_list("reader__username", "via")
    )
    assert log == [(world.guardian.username, "page"), (world.learner.username, "api")]
    admin = _client(world.admin)
    page = admin.get(f"/plans/{plan.pk}/reads/")
    assert page.status_code == 200 and str(world.guardian) in page.content.decode()
    assert {r["reader"] for r in admin.get(f"/api/v1/individual-plans/{plan.pk}/reads").json()} >= {
        str(world.guardian),
        str(world.learner),
    }
    assert _client(world.teacher).get(f"/plans/{plan.pk}/reads/").status_code == 403


def test_reports_reach_guardians_only_once_shared(world, other_world):
    cur = curriculum_for(world)
    summative = check_for(world.class_a, cur.items, purpose="of", title="Unit test")
    answer_all(world.learner, summative, right=3)
    report = reports.summative_report_create(
        learner=world.learner, assessment=summative, created_by=world.teacher
    )
    url, api = f"/reports/{report.pk}/", f"/api/v1/individual-plans/reports/{report.pk}"
    guardian = _client(world.guardian)
    assert guardian.get(url).status_code == 404 and guardian.get(api).status_code == 404
    assert guardian.post(f"{url}share/").status_code == 404
    assert _client(world.learner).post(f"{api}/share").status_code == 403
    assert _client(world.teacher).post(f"{api}/share").status_code == 200
    assert (
        guardian.get(url).status_code == 200
        and guardian.get(api).json()["rows"][0]["learned"] is True
    )
    for outsider in ("sibling", "teacher_b", "stranger"):
        assert _client(world.people()[outsider]).get(api).status_code == 404
    assert _client(other_world.admin).get(url).status_code == 404


def test_pacing_board_for_the_class_staff_only(world, other_world):
    cur = curriculum_for(world)
    seq = pacing.sequence_create(school_class=world.class_a, title="Unit", created_by=world.teacher)
    pacing.module_add(sequence=seq, title="M1", competencies=[cur.ratio])
    expected = {
        "teacher": 200,
        "admin": 200,
        "learner": 403,
        "guardian": 403,
        "teacher_b": 404,
        "stranger": 404,
    }
    for who, status in expected.items():
        client = _client(world.people()[who])
        assert client.get(f"/classes/{world.class_a.pk}/modules/").status_code == status, who
        assert client.get(f"/api/v1/modules/pacing/{world.class_a.pk}").status_code == status, who
    assert (
        _client(other_world.teacher).get(f"/api/v1/modules/pacing/{world.class_a.pk}").status_code
        == 404
    )
    response = _client(world.admin).post(
        "/api/v1/modules",
        data={"sequence_id": seq.pk, "title": "x", "competency_ids": [cur.ratio.pk]},
        content_type="application/json",
    )
    assert response.status_code == 403
    response = _client(other_world.teacher).post(
        "/api/v1/modules",
        data={"sequence_id": seq.pk, "title": "x", "competency_ids": [cur.ratio.pk]},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert seq.modules.count() == 1


def test_plan_list_page_lists_reports_only_once_shared_for_guardians(world):
    cur = curriculum_for(world)
    summative = check_for(world.class_a, cur.items, purpose="of", title="Unit test")
    answer_all(world.learner, summative, right=3)
    report = reports.summative_report_create(
        learner=world.learner, assessment=summative, created_by=world.teacher
    )
    link = f"/reports/{report.pk}/"
    assert link not in _client(world.guardian).get("/plans/").content.decode()
    assert link in _client(world.learner).get("/plans/").content.decode()
    reports.summative_report_share(report=report)
    assert link in _client(world.guardian).get("/plans/").content.decode()
    assert link not in _client(world.teacher_b).get("/plans/").content.decode()

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


@pytest.mark.parametrize("viewer", VIEWERS)
def test_every_other_plan_endpoint_follows_the_same_rule(viewer, world, other_world):
    """Versions and progress are reads (logged); adding objectives and
    supports, logging sessions and entering measurements are changes."""
    import datetime as dt

    from trellis.individualization.services import plans as services

    def _plan(w):
        cur = curriculum_for(w)
        plan = plan_for(w, title=f"{w.school.name} secret plan")
        objective = services.objective_add(
            plan=plan,
            changed_by=w.teacher,
            reason="Objective added.",
            statement="Secret objective",
            competencies=[cur.ratio],
            method="teacher_measure",
            baseline_value=1,
            baseline_date=dt.date(2026, 9, 1),
            target_value=5,
            target_date=dt.date(2026, 12, 1),
        )
        support = services.support_add(
            plan=plan,
            changed_by=w.teacher,
            reason="Support added.",
            kind="one_on_one",
            provider="Secret aide",
            planned_minutes_per_week=30,
        )
        return cur, plan, objective, support

    me = world.people()[viewer]
    client = _client(me)
    for target_world in (world, other_world):
        cur, plan, objective, support = _plan(target_world)
        same = target_world is world
        api = "/api/v1/individual-plans"
        reads = {
            "versions": client.get(f"{api}/{plan.pk}/versions"),
            "progress": client.get(f"{api}/objectives/{objective.pk}/progress"),
        }
        logged_before = PlanReadLog.objects.filter(plan=plan, reader=me).count()
        changes = {
            "objective page": client.get(f"/plans/{plan.pk}/objectives/new/"),
            "support page": client.get(f"/plans/{plan.pk}/supports/new/"),
            "objective api": client.post(
                f"{api}/{plan.pk}/objectives",
                data={
                    "statement": "x",
                    "competency_ids": [cur.ratio.pk],
                    "method": "teacher_measure",
                    "baseline_value": 1,
                    "baseline_date": "2026-09-01",
                    "target_value": 2,
                    "target_date": "2026-10-01",
                },
                content_type="application/json",
            ),
            "support api": client.post(
                f"{api}/{plan.pk}/supports",
                data={"kind": "small_group", "provider": "x", "planned_minutes_per_week": 5},
                content_type="application/json",
            ),
            "session api": client.post(
                f"{api}/supports/{support.pk}/sessions",
                data={"on": "2026-09-02", "minutes": 10},
                content_type="application/json",
            ),
            "session page": client.post(
                f"/supports/{support.pk}/sessions/", {"on": "2026-09-02", "minutes": "10"}
            ),
            "measurement api": client.post(
                f"{api}/objectives/{objective.pk}/measurements",
                data={"on": "2026-09-02", "value": 2},
                content_type="application/json",
            ),
            "measurement page": client.post(
                f"/objectives/{objective.pk}/measurements/", {"on": "2026-09-02", "value": "2"}
            ),
        }
        readable = same and viewer in READERS
        for name, response in reads.items():
            assert response.status_code == (200 if readable else 404), (viewer, name)
        if readable:
            assert reads["versions"].json()[0]["changes"] == ["support added: Secret aide"]
            assert logged_before == 2  # each read above is a line in the log
        else:
            assert logged_before == 0
        for name, response in changes.items():
            if same and viewer in CHANGERS:
                assert response.status_code in (200, 201, 302), (viewer, name)
            else:
                want = 403 if readable else 404
                assert response.status_code == want, (viewer, name, same)
                assert "Secret" not in response.content.decode()
        if not (same and viewer in CHANGERS):
            assert plan.versions.count() == 3
            assert not support.sessions.exists() and not objective.measurements.exists()


#: Arranging a class's modules: its teachers; people who may see the class
#: (its admins, learners and their guardians) are refused with 403.
ARRANGERS = {"teacher"}
CLASS_VIEWERS = {"admin", "learner", "sibling", "guardian"}


@pytest.mark.parametrize("viewer", VIEWERS)
def test_only_the_class_teachers_arrange_and_change_modules(viewer, world, other_world):
    me = world.people()[viewer]
    client = _client(me)
    for target_world in (world, other_world):
        cur = curriculum_for(target_world)
        cls = target_world.class_a
        seq = pacing.sequence_create(
            school_class=cls, title="Unit", created_by=target_world.teacher
        )
        module = pacing.module_add(sequence=seq, title="Secret module", competencies=[cur.ratio])
        responses = {
            "change page": client.get(f"/modules/{module.pk}/edit/"),
            "change api": client.patch(
                f"/api/v1/modules/{module.pk}",
                data={"title": "hacked"},
                content_type="application/json",
            ),
            "add page": client.get(f"/sequences/{seq.pk}/modules/new/"),
            "sequence api": client.post(
                "/api/v1/modules/sequences",
                data={"class_id": cls.pk, "title": "hacked"},
                content_type="application/json",
            ),
            "place api": client.post(
                "/api/v1/modules/paces",
                data={
                    "class_id": cls.pk,
                    "learner_id": target_world.learner.pk,
                    "sequence_id": seq.pk,
                },
                content_type="application/json",
            ),
        }
        same = target_world is world
        for name, response in responses.items():
            if same and viewer in ARRANGERS:
                assert response.status_code in (200, 201), (viewer, name)
            else:
                want = 403 if (same and viewer in CLASS_VIEWERS) else 404
                assert response.status_code == want, (viewer, name, same)
        module.refresh_from_db()
        if not (same and viewer in ARRANGERS):
            assert module.title == "Secret module"

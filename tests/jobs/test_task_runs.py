"""Task runs without any service running: tasks run in-process (no broker is
configured), retries included, and their state is visible only to who
started them, their school's admins and operators (pages, session API,
bearer API)."""

from __future__ import annotations

import os

from django.core import mail
from django.test import Client

from trellis.api.models import ApiToken
from trellis.evidence import tasks as evidence_tasks
from trellis.evidence.models import MasteryModel
from trellis.family.digest import week_of
from trellis.family.models import DigestSent
from trellis.family.tasks import send_all_digests, send_digest
from trellis.jobs.models import TaskRun
from trellis.jobs.runner import retry_delay
from trellis.people.models import User


def _refit_from_page(client: Client, admin: User, school) -> TaskRun:
    client.force_login(admin)
    response = client.post("/mastery/refit/", {"school": school.pk})
    assert response.status_code == 200
    return response.context["run"]


def test_refit_started_from_the_page_runs_and_reports(client, world):
    before = MasteryModel.objects.filter(school=world.school).count()
    client.force_login(world.admin)
    page = client.get("/mastery/refit/")
    assert page.status_code == 200 and world.school.name in page.content.decode()
    run = _refit_from_page(client, world.admin, world.school)
    run.refresh_from_db()
    assert run.state == TaskRun.SUCCEEDED and run.progress == 100 and run.tries == 1
    assert run.started_by == world.admin and run.school == world.school
    assert MasteryModel.objects.filter(school=world.school).count() == before + 1
    assert run.report["model"] == MasteryModel.objects.filter(school=world.school).latest("pk").pk
    # The run's own page: a finished run is no longer polled.
    page = client.get(f"/tasks/{run.pk}/", HTTP_HX_REQUEST="true")
    html = page.content.decode()
    assert page.status_code == 200 and 'value="100"' in html and "hx-trigger" not in html
    assert run.report["lines"][0] in html


def test_an_unfinished_run_is_polled(client, world):
    run = TaskRun.objects.create(
        name="trellis.refit_school", label="Refit", started_by=world.admin, school=world.school
    )
    TaskRun.objects.filter(pk=run.pk).update(state=TaskRun.RUNNING, progress=40)
    client.force_login(world.admin)
    html = client.get(f"/tasks/{run.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in html and 'value="40"' in html


def test_refit_page_is_for_admins_of_the_school(client, world, other_world):
    for who in (world.teacher, world.learner, world.guardian):
        client.force_login(who)
        assert client.get("/mastery/refit/").status_code == 404
        assert client.post("/mastery/refit/", {"school": world.school.pk}).status_code == 404
    client.force_login(other_world.admin)
    assert client.post("/mastery/refit/", {"school": world.school.pk}).status_code == 404
    assert not TaskRun.objects.exists()


def test_a_run_is_visible_only_to_its_starter_its_school_admins_and_operators(
    client, world, other_world
):
    run = _refit_from_page(client, world.admin, world.school)
    client.logout()
    second_admin = User.objects.create_user(username="s1_admin2")
    world.school.memberships.create(user=second_admin, role="admin")
    operator = User.objects.create_superuser(username="op", password="x", email="op@x.org")
    allowed = [world.admin, second_admin, operator]
    refused = [other_world.admin, world.teacher, world.learner, world.guardian, world.stranger]
    for user in allowed + refused:
        expected = 200 if user in allowed else 404
        session = Client()
        session.force_login(user)
        assert session.get(f"/tasks/{run.pk}/").status_code == expected, user
        answer = session.get(f"/api/v1/tasks/{run.pk}")
        assert answer.status_code == expected, user
        _, raw = ApiToken.issue(user=user, name="t")
        bearer = Client().get(f"/api/v1/tasks/{run.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert bearer.status_code == expected, user
        if expected == 200:
            assert bearer.json()["state"] == "succeeded" and bearer.json()["progress"] == 100
    assert Client().get(f"/tasks/{run.pk}/").status_code == 302
    assert Client().get(f"/api/v1/tasks/{run.pk}").status_code == 401
    session = Client()
    session.force_login(world.admin)
    assert session.get("/api/v1/tasks/not-a-uuid").status_code in (404, 422)


def test_a_failing_task_is_retried_then_recorded_failed_for_the_admin(client, world, monkeypatch):
    calls = []

    def broken(*, school):
        calls.append(school.pk)
        raise OSError(f"disk full while fitting {school.code}")

    monkeypatch.setattr(evidence_tasks, "mastery_fit_school", broken)
    run = _refit_from_page(client, world.admin, world.school)
    run.refresh_from_db()
    tries = evidence_tasks.refit_school.max_retries + 1
    assert len(calls) == tries
    assert run.state == TaskRun.FAILED and run.tries == tries and run.finished_at
    assert run.error == f"OSError: disk full while fitting {world.school.code}"
    page = client.get(f"/tasks/{run.pk}/").content.decode()
    assert run.error in page and f"try {tries}" in page
    assert run.error in client.get("/mastery/refit/").content.decode()
    assert client.get(f"/api/v1/tasks/{run.pk}").json()["error"] == run.error


def test_a_task_that_fails_then_succeeds_keeps_one_run(client, world, monkeypatch):
    from trellis.evidence.services import mastery_fit_school

    failures = [OSError("database went away")]

    def flaky(*, school):
        if failures:
            raise failures.pop()
        return mastery_fit_school(school=school)

    monkeypatch.setattr(evidence_tasks, "mastery_fit_school", flaky)
    run = _refit_from_page(client, world.admin, world.school)
    run.refresh_from_db()
    assert run.state == TaskRun.SUCCEEDED and run.tries == 2 and run.error == ""
    assert TaskRun.objects.count() == 1


def test_retry_delay_doubles_up_to_a_cap(settings):
    settings.TRELLIS_TASK_RETRY_SECONDS = 30
    assert [retry_delay(n) for n in range(4)] == [30, 60, 120, 240]
    assert retry_delay(40) == 6 * 60 * 60


def test_a_guardian_gets_each_week_once(world):
    world.guardian.email = "g@example.org"
    world.guardian.save(update_fields=["email"])
    monday = "2026-11-30T09:00:00+00:00"
    assert send_digest.delay(world.guardian.pk, monday).get() is True
    assert send_digest.delay(world.guardian.pk, "2026-12-04T18:00:00+00:00").get() is False
    assert len(mail.outbox) == 1
    assert send_digest.delay(world.guardian.pk, "2026-12-07T09:00:00+00:00").get() is True
    assert len(mail.outbox) == 2
    weeks = sorted(
        DigestSent.objects.filter(guardian=world.guardian).values_list("week", flat=True)
    )
    assert [w.isoformat() for w in weeks] == ["2026-11-30", "2026-12-07"]
    runs = TaskRun.objects.filter(name="trellis.send_digest").order_by("created_at")
    assert [r.report["sent"] for r in runs] == [True, False, True]
    assert all(r.school == world.school for r in runs)


def test_the_weekly_schedule_sends_one_task_per_guardian(world, other_world):
    for n, guardian in enumerate((world.guardian, other_world.guardian)):
        guardian.email = f"g{n}@example.org"
        guardian.save(update_fields=["email"])
    assert send_all_digests.delay().get() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["g0@example.org", "g1@example.org"]
    assert send_all_digests.delay().get() == 2  # the same week again: nothing more sent
    assert len(mail.outbox) == 2
    assert DigestSent.objects.count() == 2


def test_week_of_is_the_monday():
    import datetime as dt

    sunday = dt.datetime(2026, 12, 6, 23, 0, tzinfo=dt.UTC)
    assert week_of(sunday) == dt.date(2026, 11, 30)


def test_the_nightly_refit_runs_one_task_per_school(world, other_world):
    assert evidence_tasks.refit_all_schools.delay().get() == 2
    runs = TaskRun.objects.filter(name="trellis.refit_school", state=TaskRun.SUCCEEDED)
    assert sorted(r.school_id for r in runs) == sorted([world.school.pk, other_world.school.pk])
    assert all(r.started_by is None for r in runs)


def test_healthz_in_the_demo(client, db):
    answer = client.get("/healthz")
    assert answer.status_code == 200
    body = answer.json()
    assert body["database"] == "ok" and body["cache"] == "ok" and body["failing"] == []
    assert body["broker"].startswith("ok")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_healthz_names_an_unreachable_broker(client, db, settings):
    from trellis.celery import app

    url = f"redis://127.0.0.1:{_free_port()}/8"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    saved = app.conf.broker_url
    app.conf.broker_url = url
    try:
        answer = client.get("/healthz")
    finally:
        app.conf.broker_url = saved
    assert answer.status_code == 503
    body = answer.json()
    assert body["failing"] == ["broker"] and body["broker"].startswith("failing:")
    assert body["database"] == "ok" and body["cache"] == "ok"


def test_healthz_names_an_unreachable_cache(client, db, settings):
    url = f"redis://127.0.0.1:{_free_port()}/8"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    }
    answer = client.get("/healthz")
    assert answer.status_code == 503
    assert answer.json()["failing"] == ["cache"]


def test_redis_url_switches_cache_sessions_and_broker_on(tmp_path):
    """Read in a fresh process: with REDIS_URL the cache is Redis, sessions
    are read through it and tasks go to the broker; without it, neither."""
    import json
    import subprocess
    import sys

    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.CACHES['default']['BACKEND'], s.SESSION_ENGINE, "
        "s.CELERY_BROKER_URL, s.CELERY_TASK_ALWAYS_EAGER]))"
    )

    def read(**env):
        base = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CELERY_BROKER_URL")}
        out = subprocess.run(
            [sys.executable, "-c", script],
            env={**base, "DJANGO_SETTINGS_MODULE": "trellis.settings", **env},
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(out.stdout.strip().splitlines()[-1])

    url = "redis://127.0.0.1:6379/8"
    assert read(REDIS_URL=url) == [
        "django.core.cache.backends.redis.RedisCache",
        "django.contrib.sessions.backends.cached_db",
        url,
        False,
    ]
    assert read() == [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.contrib.sessions.backends.db",
        "",
        True,
    ]


def test_finished_runs_are_pruned_after_the_keeping_time(world, settings):
    import datetime as dt

    from django.utils import timezone

    from trellis.jobs.tasks import prune_task_runs

    settings.TRELLIS_TASK_RUN_DAYS = 90
    now = timezone.now()
    runs = {}
    for name, state, age in [
        ("old-done", TaskRun.SUCCEEDED, 91),
        ("old-failed", TaskRun.FAILED, 100),
        ("recent", TaskRun.SUCCEEDED, 89),
        ("old-but-running", TaskRun.RUNNING, None),
    ]:
        runs[name] = TaskRun.objects.create(name="t", label=name, school=world.school, state=state)
        if age is not None:
            TaskRun.objects.filter(pk=runs[name].pk).update(
                finished_at=now - dt.timedelta(days=age)
            )
    assert prune_task_runs.delay().get() == 2
    assert sorted(TaskRun.objects.values_list("label", flat=True)) == ["old-but-running", "recent"]

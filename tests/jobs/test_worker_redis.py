"""A real Celery worker process (or two) against Redis runs Trellis's tasks
end to end on the PostgreSQL test database: a refit and a weekly digest, and
two workers given the same week's digest send it once."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from celery import Celery
from django.db import connection

from tests.conftest import REDIS_TEST_URL
from trellis.evidence.models import MasteryModel
from trellis.family.models import DigestSent
from trellis.jobs.models import TaskRun
from trellis.jobs.services import task_run_create

pytestmark = [pytest.mark.redis, pytest.mark.postgres]

CELERY = Path(sys.executable).with_name("celery")
WAIT_S = 120


def _database_url() -> str:
    d = connection.settings_dict
    auth = d["USER"] + (f":{d['PASSWORD']}" if d.get("PASSWORD") else "")
    return f"postgres://{auth}@{d['HOST'] or '127.0.0.1'}:{d['PORT'] or 5432}/{d['NAME']}"


@pytest.fixture
def workers(transactional_db, tmp_path):
    """Start worker processes on a queue of this test's own; yields
    (start(n), queue, mail_dir) and stops them afterwards."""
    queue = f"trellis-test-{uuid.uuid4().hex[:10]}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": REDIS_TEST_URL,
        "REDIS_URL": "",  # the worker's cache stays in its memory
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "DJANGO_EMAIL_FILE_PATH": str(mail_dir),
        "TRELLIS_TASK_RETRY_SECONDS": "1",
    }
    started: list[subprocess.Popen] = []

    def start(count: int = 1) -> None:
        for n in range(count):
            started.append(
                subprocess.Popen(
                    [str(CELERY), "-A", "trellis", "worker", "-Q", queue, "--pool", "solo"]
                    + ["-n", f"w{len(started)}-{n}-{queue}@%h", "--loglevel", "WARNING"],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                )
            )

    yield start, queue, mail_dir
    for process in started:
        process.terminate()
    for process in started:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    import redis

    client = redis.Redis.from_url(REDIS_TEST_URL)
    client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    client.close()


def _sender() -> Celery:
    # Not the current app: the tasks of later tests must stay on Trellis's app.
    return Celery("trellis-test-sender", broker=REDIS_TEST_URL, set_as_current=False)


def _wait_finished(*run_ids) -> list[TaskRun]:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        runs = list(TaskRun.objects.filter(pk__in=run_ids))
        if len(runs) == len(run_ids) and all(r.finished for r in runs):
            return runs
        time.sleep(0.3)
    states = {str(r.pk): r.state for r in TaskRun.objects.filter(pk__in=run_ids)}
    pytest.fail(f"the worker did not finish {run_ids} within {WAIT_S}s: {states}")


def _messages(mail_dir: Path) -> list[str]:
    text = "".join(p.read_text() for p in mail_dir.iterdir())
    return [line for line in text.splitlines() if line.startswith("To: ")]


def test_a_worker_process_refits_a_school(world, workers):
    start, queue, _mail = workers
    start(1)
    before = MasteryModel.objects.filter(school=world.school).count()
    run = task_run_create(name="trellis.refit_school", label="refit", school=world.school)
    _sender().send_task(
        "trellis.refit_school", args=[world.school.pk], kwargs={"run_id": str(run.pk)}, queue=queue
    )
    (done,) = _wait_finished(run.pk)
    assert done.state == TaskRun.SUCCEEDED, done.error
    assert MasteryModel.objects.filter(school=world.school).count() == before + 1
    assert done.report["model"] == MasteryModel.objects.filter(school=world.school).latest("pk").pk


def test_a_worker_process_sends_a_digest(world, workers):
    start, queue, mail_dir = workers
    start(1)
    world.guardian.email = "guardian@example.org"
    world.guardian.save(update_fields=["email"])
    run = task_run_create(name="trellis.send_digest", label="digest", school=world.school)
    _sender().send_task(
        "trellis.send_digest",
        args=[world.guardian.pk, "2026-12-02T10:00:00+00:00"],
        kwargs={"run_id": str(run.pk)},
        queue=queue,
    )
    (done,) = _wait_finished(run.pk)
    assert done.state == TaskRun.SUCCEEDED and done.report == {"sent": True, "week": "2026-11-30"}
    assert _messages(mail_dir) == ["To: guardian@example.org"]
    assert DigestSent.objects.filter(guardian=world.guardian).count() == 1


def test_two_workers_send_the_same_week_once(world, workers):
    start, queue, mail_dir = workers
    start(2)
    world.guardian.email = "guardian@example.org"
    world.guardian.save(update_fields=["email"])
    runs = [
        task_run_create(name="trellis.send_digest", label="digest", school=world.school)
        for _ in range(4)
    ]
    sender = _sender()
    for n, run in enumerate(runs):  # the same week, at different times in it
        sender.send_task(
            "trellis.send_digest",
            args=[world.guardian.pk, f"2026-12-0{n + 1}T10:00:00+00:00"],
            kwargs={"run_id": str(run.pk)},
            queue=queue,
        )
    done = _wait_finished(*[r.pk for r in runs])
    assert all(r.state == TaskRun.SUCCEEDED for r in done), [r.error for r in done]
    assert sorted(r.report["sent"] for r in done) == [False, False, False, True]
    assert _messages(mail_dir) == ["To: guardian@example.org"]
    assert DigestSent.objects.filter(guardian=world.guardian).count() == 1

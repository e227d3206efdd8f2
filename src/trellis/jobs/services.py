"""Creating and updating task runs. A run's row is written in its own short
transaction each time, so a page polling it sees progress while the task
is still working."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from trellis.jobs.models import TaskRun

if TYPE_CHECKING:
    from trellis.people.models import School, User

LABEL_EMPTY = gettext_lazy("A task run needs a label saying what it does.")


@transaction.atomic
def task_run_create(
    *,
    name: str,
    label: str,
    started_by: User | None = None,
    school: School | None = None,
    run_id: uuid.UUID | None = None,
) -> TaskRun:
    """A queued run (``run_id`` reuses a Celery task id, so retries of a
    scheduled task update one run)."""
    if not label.strip():
        raise ValueError(LABEL_EMPTY)
    run, _created = TaskRun.objects.get_or_create(
        pk=run_id or uuid.uuid4(),
        defaults={
            "name": name,
            "label": label[:200],
            "started_by": started_by,
            "school": school,
        },
    )
    return run


@transaction.atomic
def task_run_started(*, run: TaskRun, tries: int) -> None:
    run.state = TaskRun.RUNNING
    run.tries = tries
    run.started_at = run.started_at or timezone.now()
    TaskRun.objects.filter(pk=run.pk).update(
        state=run.state, tries=tries, started_at=run.started_at
    )


@transaction.atomic
def task_run_progress(*, run: TaskRun, progress: int, message: str = "") -> None:
    run.progress = max(0, min(100, int(progress)))
    run.message = message[:200]
    TaskRun.objects.filter(pk=run.pk).update(progress=run.progress, message=run.message)


@transaction.atomic
def task_run_succeeded(*, run: TaskRun, report: dict, message: str = "") -> None:
    run.state = TaskRun.SUCCEEDED
    run.progress = 100
    run.report = report
    run.message = message[:200] or run.message
    run.error = ""
    run.finished_at = timezone.now()
    run.save(update_fields=["state", "progress", "report", "message", "error", "finished_at"])


@transaction.atomic
def task_run_failed(
    *, run: TaskRun, error: str, retrying: bool, report: dict | None = None
) -> None:
    """Record an error: the run waits for its next try, or has failed for good."""
    run.error = error
    if report is not None:
        run.report = report
    if retrying:
        run.state = TaskRun.RETRYING
    else:
        run.state = TaskRun.FAILED
        run.finished_at = timezone.now()
    run.save(update_fields=["state", "error", "report", "finished_at"])


@transaction.atomic
def task_runs_prune(*, older_than_days: int) -> int:
    """Delete finished runs older than ``older_than_days``; returns how many."""
    if older_than_days < 1:
        raise ValueError("Keep task runs for at least one day (older_than_days >= 1).")
    cutoff = timezone.now() - dt.timedelta(days=older_than_days)
    deleted, _ = TaskRun.objects.filter(state__in=TaskRun.FINISHED, finished_at__lt=cutoff).delete()
    return deleted

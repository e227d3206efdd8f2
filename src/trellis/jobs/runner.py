"""Running a Celery task as a watched :class:`TaskRun`.

A task body runs inside :func:`tracked`, which marks the run running, lets
the body report progress, stores the body's report on success, and on an
error either schedules a retry with exponential backoff (recording the
error, state "waiting to retry") or, after the last try, records the run as
failed with its error. :class:`Refused` is bad input: it fails at once,
since trying again would not help.

With no broker configured (the demo, the tests) Celery runs tasks in-process
(``CELERY_TASK_ALWAYS_EAGER``), retries included, so the same code runs
either way."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings

from trellis.jobs.models import TaskRun
from trellis.jobs.services import (
    task_run_create,
    task_run_failed,
    task_run_progress,
    task_run_started,
    task_run_succeeded,
)

if TYPE_CHECKING:
    from trellis.people.models import School, User


class Refused(Exception):
    """The task's input is wrong; the run fails without retrying."""

    def __init__(self, message: str, report: dict | None = None) -> None:
        super().__init__(message)
        self.report = report or {}


def retry_delay(retries: int) -> int:
    """Seconds before try ``retries + 2``: doubling from the base, capped."""
    base = int(getattr(settings, "TRELLIS_TASK_RETRY_SECONDS", 30))
    return min(base * 2**retries, 6 * 60 * 60)


@dataclass
class Tracker:
    run: TaskRun
    report: dict = field(default_factory=dict)
    message: str = ""

    def progress(self, percent: int, message: str = "") -> None:
        task_run_progress(run=self.run, progress=percent, message=message)


def start(
    task,
    *,
    label: str,
    started_by: User | None = None,
    school: School | None = None,
    args: tuple = (),
    kwargs: dict | None = None,
) -> TaskRun:
    """Create a queued run and send ``task`` with it (in-process without a broker)."""
    run = task_run_create(name=task.name, label=label, started_by=started_by, school=school)
    task.apply_async(args=args, kwargs={**(kwargs or {}), "run_id": str(run.pk)})
    run.refresh_from_db()
    return run


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


@contextmanager
def tracked(
    task, *, run_id: str | None, label: str, school: School | None = None
) -> Iterator[Tracker]:
    """Run the body as the run ``run_id`` (or, for a scheduled task, as a run
    keyed by the Celery task id, so its retries update the same run)."""
    request = task.request
    key = uuid.UUID(run_id) if run_id else uuid.UUID(str(request.id)) if request.id else None
    run = task_run_create(name=task.name, label=label, school=school, run_id=key)
    task_run_started(run=run, tries=request.retries + 1)
    tracker = Tracker(run=run)
    try:
        yield tracker
    except Refused as refused:
        task_run_failed(run=run, error=str(refused), retrying=False, report=refused.report)
        raise
    except Exception as error:
        last = task.max_retries is not None and request.retries >= task.max_retries
        task_run_failed(run=run, error=_describe(error), retrying=not last)
        if last:
            raise
        raise task.retry(exc=error, countdown=retry_delay(request.retries)) from error
    task_run_succeeded(run=run, report=tracker.report, message=tracker.message)

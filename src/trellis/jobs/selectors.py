"""Reads of task runs, for the pages of the apps that start them (jobs owns
the ``TaskRun`` table; import-linter keeps the other apps out of it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from trellis.jobs.models import TaskRun

if TYPE_CHECKING:
    from trellis.people.models import School


def task_runs_of_school(*, school: School, name: str) -> QuerySet[TaskRun]:
    """The school's runs of the task with this Celery name (any state), for
    a page that lists the recent ones."""
    return TaskRun.objects.filter(school=school, name=name)

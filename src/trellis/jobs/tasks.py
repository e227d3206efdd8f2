"""Housekeeping for task runs."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from trellis.jobs.services import task_runs_prune


@shared_task(name="trellis.prune_task_runs")
def prune_task_runs() -> int:
    """Forget finished runs after ``TRELLIS_TASK_RUN_DAYS`` (default 90)."""
    return task_runs_prune(older_than_days=int(getattr(settings, "TRELLIS_TASK_RUN_DAYS", 90)))

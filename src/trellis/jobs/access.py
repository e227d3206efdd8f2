"""Fetching a task run on someone's behalf: 404 unless they may see it."""

from __future__ import annotations

import uuid

from trellis.jobs.models import TaskRun
from trellis.people.access import NOT_FOUND, NotVisible


def access_run(user, run_id: object) -> TaskRun:
    try:
        run = TaskRun.objects.select_related("school").get(pk=uuid.UUID(str(run_id)))
    except (TaskRun.DoesNotExist, ValueError):
        raise NotVisible(NOT_FOUND) from None
    if not user.has_perm("jobs.view_taskrun", run):
        raise NotVisible(NOT_FOUND)
    return run

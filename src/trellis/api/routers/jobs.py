"""A background task's state: visible to whoever started it, its school's
admins and site operators (404 for anyone else)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.http import HttpRequest
from ninja import Router, Schema

from trellis.jobs.access import access_run

router = Router(tags=["tasks"])


class TaskRunOut(Schema):
    id: uuid.UUID
    name: str
    label: str
    state: str
    progress: int
    message: str
    report: dict
    error: str
    tries: int
    school_id: int | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None

    # The stored English in the request's language (trellis.jobs.texts).
    @staticmethod
    def resolve_label(run) -> str:
        return run.shown_label

    @staticmethod
    def resolve_message(run) -> str:
        return run.shown_message

    @staticmethod
    def resolve_error(run) -> str:
        return run.shown_error

    @staticmethod
    def resolve_report(run) -> dict:
        return run.shown_report


@router.get("/tasks/{run_id}", response=TaskRunOut)
def task_run(request: HttpRequest, run_id: uuid.UUID):
    return access_run(request.user, run_id)

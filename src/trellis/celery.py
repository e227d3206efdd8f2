"""The Celery application: ``celery -A trellis worker`` runs tasks,
``celery -A trellis beat`` sends the schedule below (see docs/operations.md).

Settings come from Django's settings with the ``CELERY_`` prefix. With no
broker configured (no ``REDIS_URL`` or ``CELERY_BROKER_URL``), tasks run
in-process when they are sent, so the demo and the tests need no services."""

from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trellis.settings")

app = Celery("trellis")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _crontab(env: str, default: str) -> crontab:
    """A five-field cron expression from the environment (minute hour day month weekday)."""
    minute, hour, day, month, weekday = os.environ.get(env, default).split()
    return crontab(
        minute=minute, hour=hour, day_of_month=day, month_of_year=month, day_of_week=weekday
    )


app.conf.beat_schedule = {
    # One refit task per school, spread over the workers.
    "nightly-refit": {
        "task": "trellis.refit_all_schools",
        "schedule": _crontab("TRELLIS_REFIT_CRON", "30 2 * * *"),
    },
    # One digest task per guardian; each guardian gets a week at most once.
    "weekly-digest": {
        "task": "trellis.send_all_digests",
        "schedule": _crontab("TRELLIS_DIGEST_CRON", "0 17 * * 5"),
    },
    "prune-task-runs": {
        "task": "trellis.prune_task_runs",
        "schedule": _crontab("TRELLIS_PRUNE_CRON", "45 3 * * *"),
    },
    "xapi-outbox": {
        "task": "trellis.send_xapi_outbox",
        "schedule": float(os.environ.get("TRELLIS_XAPI_SEND_SECONDS", "60")),
    },
}

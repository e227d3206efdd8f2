"""Is the task broker reachable? (``/healthz`` asks.)"""

from __future__ import annotations

from django.conf import settings

IN_PROCESS = "ok (no broker configured: tasks run in-process)"


def broker_status() -> str:
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        return IN_PROCESS
    from trellis.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"

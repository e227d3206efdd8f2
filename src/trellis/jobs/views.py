"""A task run's page (polled by htmx while it runs) and the health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from trellis.jobs.access import access_run
from trellis.jobs.health import broker_status

#: How often the page asks for the run's state while it is unfinished.
POLL_SECONDS = 1


@login_required
@require_GET
def task_run(request: HttpRequest, run_id: str) -> HttpResponse:
    run = access_run(request.user, run_id)
    context = {"run": run, "poll_seconds": POLL_SECONDS}
    if request.htmx:
        return render(request, "jobs/_run.html", context)
    return render(request, "jobs/run.html", context)


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache() -> None:
    cache.set("trellis-healthz", "ok", 10)
    if cache.get("trellis-healthz") != "ok":
        raise OSError("the cache did not return what was stored")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """``{"database": "ok", "cache": "ok", "broker": "ok"}`` with 200, or 503
    naming each failing part and why."""
    checks = {"database": _database, "cache": _cache, "broker": broker_status}
    status: dict[str, str] = {}
    failing: list[str] = []
    for part, check in checks.items():
        try:
            status[part] = check() or "ok"
        except Exception as error:  # any failure of the part is the answer
            status[part] = f"failing: {type(error).__name__}: {error}"
            failing.append(part)
    body = {**status, "failing": failing}
    return JsonResponse(body, status=503 if failing else 200)

"""The refit page: a school admin fits the school's mastery model now (as a
background task with a progress bar) instead of waiting for the night."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from trellis.evidence import tasks
from trellis.jobs import runner
from trellis.jobs.selectors import task_runs_of_school
from trellis.jobs.views import POLL_SECONDS
from trellis.people.access import NOT_FOUND, NotVisible
from trellis.people.selectors import schools_administered_by

if TYPE_CHECKING:
    from trellis.people.models import School

RECENT_RUNS = 5


def _schools(user) -> list[School]:
    """The schools the person runs (every school for an operator), by name."""
    return list(schools_administered_by(user).order_by("name"))


@login_required
@require_http_methods(["GET", "POST"])
def refit(request: HttpRequest) -> HttpResponse:
    schools = _schools(request.user)
    if not schools:
        raise NotVisible(NOT_FOUND)
    started = None
    if request.method == "POST":
        wanted = request.POST.get("school", "")
        school = next((s for s in schools if str(s.pk) == wanted), None)
        if school is None:
            raise NotVisible(NOT_FOUND)
        started = runner.start(
            tasks.refit_school,
            label=tasks.refit_label(school),
            started_by=request.user,
            school=school,
            args=(school.pk,),
        )
    rows = [
        (
            school,
            list(
                task_runs_of_school(school=school, name=tasks.refit_school.name)
                .exclude(pk=getattr(started, "pk", None))
                .order_by("-created_at")[:RECENT_RUNS]
            ),
        )
        for school in schools
    ]
    return render(
        request,
        "evidence/refit.html",
        {"rows": rows, "run": started, "poll_seconds": POLL_SECONDS},
    )

"""Before the lesson (intentional differentiation) and during it (the live
view, refreshed by htmx polling a fragment; see docs/decisions/0002)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trellis.differentiation import live, selectors, services
from trellis.people.access import (
    NotVisible,
    access_class_as_teacher,
    access_class_roster,
    access_learner,
)

#: The live fragment's refresh interval, in seconds.
POLL_SECONDS = 5


def _objective(school_class, raw: str | None, fallback=None):
    if raw and raw.isdigit():
        found = selectors.objectives_for(school_class).filter(pk=int(raw)).first()
        if found is None:
            raise NotVisible()
        return found
    return fallback


@login_required
def before_lesson(request: HttpRequest, class_id: int) -> HttpResponse:
    school_class = access_class_roster(request.user, class_id)
    objective = _objective(
        school_class, request.GET.get("objective"), selectors.latest_objective(school_class)
    )
    return render(
        request,
        "differentiation/before_lesson.html",
        {
            "school_class": school_class,
            "objectives": selectors.objectives_for(school_class),
            "objective": objective,
            "report": selectors.before_lesson(school_class, objective) if objective else None,
        },
    )


def live_params(request: HttpRequest, school_class) -> dict:
    """The live view's settings from the query string (bad values are refused
    with a message naming the field)."""
    start = parse_datetime(request.GET.get("start", "") or "")
    if start is not None and timezone.is_naive(start):
        start = timezone.make_aware(start, dt.UTC)
    return {
        "objective": _objective(
            school_class, request.GET.get("objective"), selectors.latest_objective(school_class)
        ),
        "lesson_start": start,
        "errors_in_a_row": live.parse_threshold(
            request.GET.get("errors"), 3, _("Errors in a row"), 20
        ),
        "idle_minutes": live.parse_threshold(request.GET.get("idle"), 5, _("Idle minutes"), 120),
        "correct_in_a_row": live.parse_threshold(
            request.GET.get("streak"), 5, _("Right in a row"), 50
        ),
    }


def _live_context(request: HttpRequest, school_class) -> dict:
    try:
        params = live_params(request, school_class)
        view = live.live_flags(school_class, **params)
        error = None
    except ValidationError as exc:
        params, view, error = {}, None, " ".join(exc.messages)
    return {"school_class": school_class, "view": view, "params": params, "error": error}


@login_required
def live_view(request: HttpRequest, class_id: int) -> HttpResponse:
    school_class = access_class_as_teacher(request.user, class_id)
    query = request.GET.copy()
    if not query.get("start"):  # kept once set: changing a setting keeps the window
        query["start"] = live.lesson_start_default(school_class).isoformat(timespec="seconds")
    request.GET = query
    context = _live_context(request, school_class)
    context.update(
        {
            "poll_seconds": POLL_SECONDS,
            "query": query.urlencode(),
            "objectives": selectors.objectives_for(school_class),
            "start_value": query["start"],
        }
    )
    return render(request, "differentiation/live.html", context)


@login_required
def live_fragment(request: HttpRequest, class_id: int) -> HttpResponse:
    school_class = access_class_as_teacher(request.user, class_id)
    context = _live_context(request, school_class)
    context["query"] = request.GET.urlencode()
    return render(request, "differentiation/_live_flags.html", context)


@login_required
@require_POST
def live_handle(request: HttpRequest, class_id: int) -> HttpResponse:
    """Mark a flag handled; with htmx, answer with the refreshed fragment."""
    school_class = access_class_as_teacher(request.user, class_id)
    query = request.POST.get("query", "")
    error = None
    try:
        services.flag_handle(
            school_class=school_class,
            learner=access_learner(request.user, request.POST.get("learner")),
            kind=request.POST.get("kind", ""),
            competency=request.POST.get("competency", ""),
            note=request.POST.get("note", ""),
            handled_by=request.user,
        )
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect(f"{reverse('diff-live-view', args=[school_class.pk])}?{query}")
    request.GET = QueryDict(query)
    context = _live_context(request, school_class)
    context.update({"query": query, "error": error or context["error"]})
    return render(request, "differentiation/_live_flags.html", context)

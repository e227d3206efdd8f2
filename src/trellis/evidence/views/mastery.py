"""A learner's "my competencies" page and a class's mastery heat map."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from trellis.curriculum.access import access_framework
from trellis.evidence import heatmap, selectors
from trellis.people.access import access_class_roster, access_learner


def _choose(frameworks, requested: str | None, user):
    if requested:
        chosen = access_framework(user, requested)
        return chosen
    return frameworks[0] if frameworks else None


@login_required
def my_competencies(request: HttpRequest) -> HttpResponse:
    return learner_competencies(request, request.user.pk)


@login_required
def learner_competencies(request: HttpRequest, learner_id: int) -> HttpResponse:
    learner = access_learner(request.user, learner_id)
    frameworks = selectors.frameworks_for_learner(learner)
    framework = _choose(frameworks, request.GET.get("framework"), request.user)
    rows = selectors.learner_mastery(learner, framework) if framework else []
    return render(
        request,
        "evidence/competencies.html",
        {
            "learner": learner,
            "is_self": learner.pk == request.user.pk,
            "frameworks": frameworks,
            "framework": framework,
            "rows": rows,
            "ready": [row for row in rows if row.ready],
            "evidence": selectors.recent_evidence(learner),
        },
    )


@login_required
def class_heatmap(request: HttpRequest, class_id: int) -> HttpResponse:
    """One page of learners (``heatmap.PAGE_SIZE``), sorted over the whole
    class, so that no response grows with the class (issue #18)."""
    school_class = access_class_roster(request.user, class_id)
    frameworks = selectors.class_frameworks(school_class)
    if request.GET.get("framework"):
        framework = access_framework(request.user, request.GET["framework"])
    else:
        framework = heatmap.default_framework(school_class, frameworks)
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    heat = heatmap.class_heatmap_page(
        school_class,
        framework,
        sort=request.GET.get("sort", "name"),
        descending=request.GET.get("dir") == "desc",
        page=page,
        page_size=heatmap.PAGE_SIZE,
    )
    return render(
        request,
        "evidence/heatmap.html",
        {
            "school_class": school_class,
            "frameworks": frameworks,
            "heat": heat,
            "can_teach": request.user.has_perm("people.teach_class", school_class),
        },
    )

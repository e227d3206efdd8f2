"""Pages of learners' activity from outside tools: an overview of the
learners someone may see who have any, and one learner's statements —
whether each became evidence, and why not."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from trellis.interop.access import access_learner_activity
from trellis.interop.xapi.selectors import (
    activity_row,
    learners_with_activity,
    statements_for_learner,
)
from trellis.people.selectors import learners_visible_to

PAGE_SIZE = 100


@login_required
def learner_activity(request: HttpRequest, learner_id: int) -> HttpResponse:
    learner = access_learner_activity(request.user, learner_id)
    statements = list(statements_for_learner(learner)[:PAGE_SIZE])
    rows = [activity_row(s) for s in statements]
    return render(
        request,
        "interop/learner_activity.html",
        {"learner": learner, "rows": rows, "page_size": PAGE_SIZE},
    )


@login_required
def activity_overview(request: HttpRequest) -> HttpResponse:
    """The learners this person may see who have outside activity. A learner
    who sees only themselves goes straight to their own page."""
    visible = list(learners_visible_to(request.user).values_list("pk", flat=True)[:2])
    if visible == [request.user.pk]:
        return redirect("learner-xapi-activity", learner_id=request.user.pk)
    return render(
        request, "interop/activity_overview.html", {"rows": learners_with_activity(request.user)}
    )

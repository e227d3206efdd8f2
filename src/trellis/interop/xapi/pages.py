"""The page of a learner's activity from outside tools: every statement a
tool sent about them, whether it became evidence, and why not."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from trellis.interop.access import access_learner_activity
from trellis.interop.xapi.selectors import activity_row, statements_for_learner

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

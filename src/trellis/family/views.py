"""Family pages: a guardian's view of one child (switching between their
children), the live fragment it polls, and the digest preference. Showing
the child's individual plan writes a line in the plan's read log."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trellis.family import access, selectors, services
from trellis.family.models import DigestPreference
from trellis.individualization.constants import VIA_PAGE
from trellis.individualization.services.plans import plan_read_record
from trellis.people.access import NOT_FOUND, NotVisible

POLL_SECONDS = 5


@login_required
def family_home(request: HttpRequest) -> HttpResponse:
    child = selectors.children_of(request.user).first()
    if child is None:
        raise NotVisible(NOT_FOUND)
    return redirect("family-child", child_id=child.pk)


def _live_context(child) -> dict[str, object]:
    """Every section of the child's page (the polled fragment renders them
    all). Reads only: the caller that shows the plan logs the read."""
    now = timezone.now()
    upcoming, overdue = selectors.work_for(child, now=now)
    return {
        "child": child,
        "mastery": selectors.mastery_of(child, now=now),
        "changes": selectors.changes_since(child, now - dt.timedelta(days=selectors.RECENT_DAYS)),
        "goals": list(selectors.goals_of(child)),
        "feedback": selectors.feedback_for(child),
        "upcoming": upcoming,
        "overdue": overdue,
        "plan": selectors.plan_of(child),
        "portfolio": list(selectors.shared_portfolio_of(child)[:20]),
        "poll_seconds": POLL_SECONDS,
    }


def _hash(content: str) -> str:
    return hashlib.sha256(content.encode()).hexdigest()[:24]


def _fragment(request: HttpRequest, child) -> tuple[dict[str, object], str, str]:
    """(context, the sections' HTML, their ETag). The ETag is
    ``"<hash of all sections>.<hash of the plan section>"``: the second part
    tells whether the plan the guardian has is the one shown now."""
    context = _live_context(child)
    sections = render_to_string("family/_live.html", context, request)
    plan = render_to_string("family/_plan.html", context, request)
    etag = f'"{_hash(sections)}.{_hash(plan)}"'
    context |= {
        "live_html": mark_safe(sections),  # noqa: S308 -- our own template's output
        "hx_headers": json.dumps({"If-None-Match": etag}),
    }
    return context, sections, etag


@login_required
def family_child(request: HttpRequest, child_id: int) -> HttpResponse:
    child = access.access_child(request.user, child_id)
    pref = DigestPreference.objects.filter(guardian=request.user).first()
    context, _sections, _etag = _fragment(request, child)
    context |= {
        "children": list(selectors.children_of(request.user)),
        "digest_on": pref.weekly_digest if pref else True,
    }
    if context["plan"] is not None:  # the page shows the plan's contents: a logged read
        plan_read_record(plan=context["plan"], reader=request.user, via=VIA_PAGE)
    return render(request, "family/child.html", context)


@login_required
def family_child_live(request: HttpRequest, child_id: int) -> HttpResponse:
    """The polled fragment: every section of the page (progress and this
    week's changes, goals, feedback, work, plan, portfolio). The page sends
    the ETag of what it shows (``If-None-Match``); when nothing changed the
    answer is an empty 304 and the page keeps what it has. A 200 whose plan
    differs from the one the guardian had is a new read of the plan, and is
    logged; otherwise polling logs nothing."""
    child = access.access_child(request.user, child_id)
    context, _sections, etag = _fragment(request, child)
    had = request.headers.get("If-None-Match", "").strip()
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    if had == etag:
        return HttpResponseNotModified(headers=headers)
    response = render(request, "family/_live_box.html", context)
    for key, value in headers.items():
        response[key] = value
    plan_part = etag.strip('"').split(".")[-1]
    had_plan = had.strip('"').split(".")[-1] if had else ""
    if context["plan"] is not None and had_plan != plan_part:
        plan_read_record(plan=context["plan"], reader=request.user, via=VIA_PAGE)
    return response


@login_required
@require_POST
def digest_preference(request: HttpRequest) -> HttpResponse:
    child = selectors.children_of(request.user).first()
    if child is None:
        raise NotVisible(NOT_FOUND)
    on = request.POST.get("weekly_digest") == "on"
    services.digest_preference_set(
        guardian=request.user, weekly_digest=on, language=request.LANGUAGE_CODE
    )
    messages.success(
        request, _("The weekly digest is on.") if on else _("The weekly digest is off.")
    )
    next_child = request.POST.get("next_child", "")
    if next_child.isdigit():
        return redirect("family-child", child_id=int(next_child))
    return redirect("family")

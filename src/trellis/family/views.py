"""Family pages: a guardian's view of one child (switching between their
children), the live fragment it polls, and the digest preference. Showing
the child's individual plan writes a line in the plan's read log."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trellis.family import access, selectors, services
from trellis.family.models import DigestPreference
from trellis.individualization.models import VIA_PAGE
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
    now = timezone.now()
    return {
        "child": child,
        "mastery": selectors.mastery_of(child, now=now),
        "changes": selectors.changes_since(child, now - dt.timedelta(days=selectors.RECENT_DAYS)),
        "updated_at": timezone.now(),
        "poll_seconds": POLL_SECONDS,
    }


@login_required
def family_child(request: HttpRequest, child_id: int) -> HttpResponse:
    child = access.access_child(request.user, child_id)
    upcoming, overdue = selectors.work_for(child)
    pref = DigestPreference.objects.filter(guardian=request.user).first()
    plan = selectors.plan_of(child)
    if plan is not None:  # the page shows the plan's contents: a logged read
        plan_read_record(plan=plan, reader=request.user, via=VIA_PAGE)
    context = _live_context(child) | {
        "children": list(selectors.children_of(request.user)),
        "goals": list(selectors.goals_of(child)),
        "feedback": selectors.feedback_for(child),
        "upcoming": upcoming,
        "overdue": overdue,
        "plan": plan,
        "portfolio": list(selectors.shared_portfolio_of(child)[:20]),
        "digest_on": pref.weekly_digest if pref else True,
    }
    return render(request, "family/child.html", context)


@login_required
def family_child_live(request: HttpRequest, child_id: int) -> HttpResponse:
    """The polled fragment: mastery with this week's new evidence."""
    child = access.access_child(request.user, child_id)
    return render(request, "family/_live.html", _live_context(child))


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

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trellis.personalization import access, charts, selectors
from trellis.personalization.access import ONLY_THE_LEARNER
from trellis.personalization.models.goals import DECISIONS
from trellis.personalization.services import goals as svc
from trellis.personalization.views import error_list

BENCHMARK_ROWS = 3
BAD_DATE = gettext_lazy("The target date {value!r} is not a date (use YYYY-MM-DD).")


def _benchmarks_from(post) -> list[dict[str, object]]:
    rows = []
    for n in range(1, BENCHMARK_ROWS + 1):
        row = {
            "description": post.get(f"bm{n}_description", ""),
            "due_on": post.get(f"bm{n}_due_on", ""),
            "success_looks_like": post.get(f"bm{n}_success", ""),
            "competency_id": post.get(f"bm{n}_competency") or None,
        }
        if any(str(v or "").strip() for v in row.values()):
            rows.append(row)
    return rows


def _form_values(post=None, goal=None) -> dict[str, object]:
    """Values to refill the goal form: from a failed POST, or from a goal."""
    if goal is not None:
        benchmarks = list(goal.benchmarks.all())
        rows = [
            {
                "n": n,
                "description": b.description if b else "",
                "due_on": b.due_on.isoformat() if b else "",
                "success": b.success_looks_like if b else "",
                "competency": str(b.competency_id or "") if b else "",
            }
            for n, b in (
                (n, benchmarks[n - 1] if n <= len(benchmarks) else None)
                for n in range(1, BENCHMARK_ROWS + 1)
            )
        ]
        return {
            "title": goal.title,
            "description": goal.description,
            "target_date": goal.target_date.isoformat() if goal.target_date else "",
            "competencies": [str(c.pk) for c in goal.competencies.all()],
            "rows": rows,
        }
    post = post or {}
    get = post.get if hasattr(post, "get") else (lambda k, d="": d)
    return {
        "title": get("title", ""),
        "description": get("description", ""),
        "target_date": get("target_date", ""),
        "competencies": post.getlist("competencies") if hasattr(post, "getlist") else [],
        "rows": [
            {
                "n": n,
                "description": get(f"bm{n}_description", ""),
                "due_on": get(f"bm{n}_due_on", ""),
                "success": get(f"bm{n}_success", ""),
                "competency": get(f"bm{n}_competency", ""),
            }
            for n in range(1, BENCHMARK_ROWS + 1)
        ],
    }


def _goal_fields(request: HttpRequest) -> dict[str, object]:
    return {
        "title": request.POST.get("title", ""),
        "description": request.POST.get("description", ""),
        "target_date": _date(request.POST.get("target_date", "")),
        "competency_ids": request.POST.getlist("competencies"),
        "benchmarks": _benchmarks_from(request.POST),
    }


def _date(value: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError(BAD_DATE.format(value=value)) from None


@login_required
def my_goals(request: HttpRequest) -> HttpResponse:
    learner = request.user
    if not learner.has_perm("personalization.write_personal", learner):
        raise PermissionDenied(ONLY_THE_LEARNER)
    errors: list[str] = []
    if request.method == "POST":
        try:
            goal = svc.goal_create(learner=learner, **_goal_fields(request))
        except ValidationError as exc:
            errors = error_list(exc)
        else:
            messages.success(request, _("Goal saved and sent to your teacher."))
            return redirect("personalization:goal-detail", goal_id=goal.pk)
    return render(
        request,
        "personalization/goals.html",
        {
            "goals": selectors.goals_visible_to(learner).filter(learner=learner),
            "competencies": selectors.competencies_for(learner).order_by("code"),
            "form": _form_values(post=request.POST),
            "errors": errors,
        },
    )


@login_required
def goal_edit(request: HttpRequest, goal_id: int) -> HttpResponse:
    goal = access.access_goal_to_change(request.user, goal_id)
    errors: list[str] = []
    if request.method == "POST":
        try:
            svc.goal_update(goal=goal, **_goal_fields(request))
        except ValidationError as exc:
            errors = error_list(exc)
        else:
            messages.success(request, _("Goal changed and sent back to your teacher."))
            return redirect("personalization:goal-detail", goal_id=goal.pk)
    return render(
        request,
        "personalization/goal_edit.html",
        {
            "goal": goal,
            "competencies": selectors.competencies_for(goal.learner).order_by("code"),
            "form": _form_values(post=request.POST) if errors else _form_values(goal=goal),
            "errors": errors,
        },
    )


@login_required
def learner_goals(request: HttpRequest, learner_id: int) -> HttpResponse:
    """A learner's goals; their teachers can also set a goal for them here."""
    learner = access.access_learner(request.user, learner_id)
    can_set = request.user.pk != learner.pk and request.user.has_perm(
        "personalization.guide_learner", learner
    )
    errors: list[str] = []
    if request.method == "POST":
        learner = access.access_learner_to_guide(request.user, learner_id)
        try:
            goal = svc.goal_set_for_learner(
                teacher=request.user, learner=learner, **_goal_fields(request)
            )
        except ValidationError as exc:
            errors = error_list(exc)
        else:
            messages.success(
                request, _("Goal set for %(name)s; they have been told.") % {"name": learner}
            )
            return redirect("personalization:goal-detail", goal_id=goal.pk)
    return render(
        request,
        "personalization/learner_goals.html",
        {
            "learner": learner,
            "goals": selectors.goals_visible_to(request.user).filter(learner=learner),
            "can_set": can_set,
            "competencies": selectors.competencies_for(learner).order_by("code"),
            "form": _form_values(post=request.POST),
            "errors": errors,
        },
    )


def _rating(value: str) -> float:
    return float(value) / 100.0


@login_required
def goal_detail(request: HttpRequest, goal_id: int) -> HttpResponse:
    goal = access.access_goal(request.user, goal_id)
    errors: list[str] = []
    if request.method == "POST":
        try:
            if request.POST.get("action") == "checkin":
                goal = access.access_goal_to_change(request.user, goal_id)
                ratings = {
                    int(k.removeprefix("rate_")): _rating(v)
                    for k, v in request.POST.items()
                    if k.startswith("rate_") and v.strip()
                }
                svc.checkin_record(
                    goal=goal,
                    recorded_by=request.user,
                    ratings=ratings,
                    note=request.POST.get("note", ""),
                )
                messages.success(request, _("Check-in recorded."))
            else:
                goal = access.access_goal_to_review(request.user, goal_id)
                svc.goal_review(
                    goal=goal,
                    reviewer=request.user,
                    decision=request.POST.get("decision", ""),
                    comment=request.POST.get("comment", ""),
                )
                messages.success(request, _("Review recorded."))
        except ValueError:
            errors = [svc.CHECKIN_RATING.format(n="?")]
        except ValidationError as exc:
            errors = error_list(exc)
        else:
            return redirect("personalization:goal-detail", goal_id=goal.pk)
    rows = selectors.benchmark_progress(goal)
    history = selectors.goal_history(goal)
    projection = selectors.goal_projection(goal)
    due = selectors.goal_due(goal)
    chart = charts.goal_svg(history, [r.benchmark for r in rows], projection, due)
    return render(
        request,
        "personalization/goal_detail.html",
        {
            "goal": goal,
            "rows": rows,
            "progress": round(100 * selectors.goal_progress(rows)),
            "projection": projection,
            "rate_points": None
            if projection.rate_per_week is None
            else round(100 * projection.rate_per_week, 1),
            "due": due,
            "history": history,
            "chart": mark_safe(chart),  # noqa: S308 -- built with escape()
            "reviews": list(goal.reviews.select_related("reviewer")),
            "can_change": request.user.has_perm("personalization.change_record", goal),
            "can_review": request.user.has_perm("personalization.review_record", goal),
            "decisions": DECISIONS,
            "errors": errors,
        },
    )

"""Grouping pages: the classes a teacher can differentiate, the class page
(suggest → edit → save), a saved grouping (move learners, regroup) and the
grouping history."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trellis.differentiation import access, forms, selectors, services, suggest
from trellis.differentiation.models import KINDS, Grouping
from trellis.people.access import access_class_as_teacher, access_class_roster
from trellis.people.selectors import roster_of


@login_required
def differentiate_home(request: HttpRequest) -> HttpResponse:
    classes = list(selectors.classes_to_differentiate(request.user))
    return render(request, "differentiation/home.html", {"classes": classes})


def _suggest_form(request: HttpRequest, school_class, learners):
    data = request.GET if "objective" in request.GET else None
    return forms.SuggestForm(
        data, objectives=selectors.objectives_for(school_class), learners=learners
    )


@login_required
def class_grouping(request: HttpRequest, class_id: int) -> HttpResponse:
    """Suggest (GET with the form's fields) and show the editable columns."""
    school_class = access_class_roster(request.user, class_id)
    can_teach = request.user.has_perm("people.teach_class", school_class)
    learners = list(roster_of(school_class))
    form = _suggest_form(request, school_class, learners)
    suggestion, error = None, None
    if can_teach and form.is_bound and form.is_valid():
        try:
            suggestion = suggest.suggest(
                school_class=school_class,
                objective=form.cleaned_data["objective"],
                kind=form.cleaned_data["kind"],
                constraints=form.constraints(),
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    return render(
        request,
        "differentiation/class_grouping.html",
        {
            "school_class": school_class,
            "can_teach": can_teach,
            "form": form,
            "apart_rows": form.pair_rows("apart"),
            "together_rows": form.pair_rows("together"),
            "suggestion": suggestion,
            "constraints_json": json.dumps(suggestion.constraints) if suggestion else "{}",
            "error": error,
            "current": selectors.latest_grouping(school_class),
        },
    )


@login_required
@require_POST
def grouping_create(request: HttpRequest, class_id: int) -> HttpResponse:
    """Save the edited suggestion."""
    school_class = access_class_as_teacher(request.user, class_id)
    learners = list(roster_of(school_class))
    try:
        objective = selectors.objectives_for(school_class).get(
            pk=int(request.POST.get("objective", ""))
        )
        drafts, constraints, originals = forms.read_group_editor(
            request.POST, [u.pk for u in learners]
        )
        kind = request.POST.get("kind", "")
        features = suggest.features_snapshot(learners, objective)
        if kind in dict(KINDS):
            suggest.refresh_explanations(
                objective=objective,
                kind=kind,
                features=features,
                drafts=drafts,
                originals=originals,
                edited_by=request.user,
            )
        grouping = services.grouping_save(
            school_class=school_class,
            objective=objective,
            kind=kind,
            groups=drafts,
            constraints=constraints,
            created_by=request.user,
            note=request.POST.get("note", ""),
            features=features,
        )
    except (ValueError, TypeError, ObjectDoesNotExist, ValidationError) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else forms.BAD_EDITOR
        messages.error(request, text)
        return redirect("diff-class", class_id=school_class.pk)
    messages.success(
        request, _("Grouping saved: %(count)s groups.") % {"count": grouping.groups.count()}
    )
    return redirect("diff-grouping-detail", grouping_id=grouping.pk)


@login_required
def grouping_detail(request: HttpRequest, grouping_id: int) -> HttpResponse:
    found = access.access_grouping(request.user, grouping_id)
    grouping = selectors.with_members(Grouping.objects.filter(pk=found.pk)).get()
    groups = list(grouping.groups.all())
    moves = [ms for g in groups for ms in g.memberships.all() if ms.moved_from or ms.reason]
    return render(
        request,
        "differentiation/grouping_detail.html",
        {
            "grouping": grouping,
            "school_class": grouping.school_class,
            "groups": groups,
            "moves": moves,
            "can_change": request.user.has_perm("differentiation.change_grouping", grouping),
            "plan": getattr(grouping, "plan", None),
            "newer": Grouping.objects.filter(based_on=grouping).order_by("created_at").first(),
        },
    )


@login_required
@require_POST
def grouping_move(request: HttpRequest, grouping_id: int) -> HttpResponse:
    grouping = access.access_grouping_to_change(request.user, grouping_id)
    moves = {
        int(key.removeprefix("move_")): value
        for key, value in request.POST.items()
        if key.startswith("move_") and key.removeprefix("move_").isdigit() and value
    }
    reasons = {pk: request.POST.get(f"reason_{pk}", "").strip() for pk in moves}
    names = {
        int(key.removeprefix("name_")): value
        for key, value in request.POST.items()
        if key.startswith("name_") and key.removeprefix("name_").isdigit()
    }
    try:
        saved = services.grouping_move(
            grouping=grouping,
            moves=moves,
            reasons={k: v for k, v in reasons.items() if v},
            created_by=request.user,
            note=request.POST.get("note", ""),
            names=names,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("diff-grouping-detail", grouping_id=grouping.pk)
    messages.success(request, _("Saved as a new version; the earlier one is kept in the history."))
    return redirect("diff-grouping-detail", grouping_id=saved.pk)


@login_required
@require_POST
def grouping_regroup(request: HttpRequest, grouping_id: int) -> HttpResponse:
    grouping = access.access_grouping_to_change(request.user, grouping_id)
    try:
        saved = suggest.grouping_regroup(grouping=grouping, created_by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("diff-grouping-detail", grouping_id=grouping.pk)
    messages.success(request, _("Regrouped from current mastery."))
    return redirect("diff-grouping-detail", grouping_id=saved.pk)


@login_required
def grouping_history(request: HttpRequest, class_id: int) -> HttpResponse:
    school_class = access_class_roster(request.user, class_id)
    groupings = list(selectors.groupings_of(school_class).prefetch_related("memberships"))
    rows = [
        (g, sum(1 for ms in g.memberships.all() if ms.moved_from or ms.reason)) for g in groupings
    ]
    return render(
        request,
        "differentiation/history.html",
        {"school_class": school_class, "rows": rows},
    )

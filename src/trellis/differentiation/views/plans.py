"""The group plan editor, the station rotation (printable), and the
learner's (or guardian's) view of their own group's plan entry."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from trellis.differentiation import access, forms, selectors, services
from trellis.differentiation.models import StationRotation


def _int_or_none(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


def _entry_drafts(post, groups) -> list[services.EntryDraft]:
    return [
        services.EntryDraft(
            group_id=g.pk,
            process=post.get(f"process_{g.pk}", ""),
            product=post.get(f"product_{g.pk}", ""),
            affect=post.get(f"affect_{g.pk}", ""),
            resource_ids=[int(x) for x in post.getlist(f"resources_{g.pk}") if x.isdigit()],
            for_assessment_id=_int_or_none(post.get(f"assessment_{g.pk}")),
        )
        for g in groups
    ]


@login_required
def plan_edit(request: HttpRequest, grouping_id: int) -> HttpResponse:
    grouping = access.access_grouping(request.user, grouping_id)
    school_class = grouping.school_class
    can_change = request.user.has_perm("differentiation.change_grouping", grouping)
    groups = list(grouping.groups.all())
    plan = selectors.plan_with_entries(grouping.plan.pk) if hasattr(grouping, "plan") else None
    error = None
    if request.method == "POST":
        grouping = access.access_grouping_to_change(request.user, grouping_id)
        objective_id = _int_or_none(request.POST.get("objective"))
        try:
            objective = (
                selectors.objectives_for(school_class).get(pk=objective_id)
                if objective_id
                else None
            )
            saved = services.group_plan_save(
                grouping=grouping,
                objective=objective,
                title=request.POST.get("title", ""),
                entries=_entry_drafts(request.POST, groups),
                created_by=request.user,
            )
        except (ValidationError, ObjectDoesNotExist) as exc:
            error = (
                " ".join(exc.messages)
                if isinstance(exc, ValidationError)
                else _("Choose an objective from the list.")
            )
        else:
            messages.success(request, _("Group plan saved."))
            return redirect("diff-plan-edit", grouping_id=saved.grouping_id)
    entries = {e.group_id: e for e in plan.entries.all()} if plan else {}
    rows = []
    for g in groups:
        entry = entries.get(g.pk)
        chosen = {r.pk for r in entry.resources.all()} if entry else set()
        rows.append({"group": g, "entry": entry, "chosen": chosen})
    return render(
        request,
        "differentiation/plan_edit.html",
        {
            "grouping": grouping,
            "school_class": school_class,
            "plan": plan,
            "rows": rows,
            "can_change": can_change,
            "objectives": selectors.objectives_for(school_class),
            "resources": list(selectors.resources_for(school_class)),
            "assessments": list(selectors.for_assessments_of(school_class)),
            "error": error,
            "post": request.POST if request.method == "POST" else None,
        },
    )


@login_required
def stations(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.access_plan(request.user, plan_id)
    can_change = request.user.has_perm("differentiation.change_plan", plan)
    rotation = StationRotation.objects.filter(plan=plan).first()
    initial = (
        {
            "stations": "\n".join(rotation.stations),
            "minutes_per_station": rotation.minutes_per_station,
        }
        if rotation
        else None
    )
    form = forms.StationsForm(request.POST or None, initial=initial)
    if request.method == "POST":
        plan = access.access_plan_to_change(request.user, plan_id)
        if form.is_valid():
            try:
                services.station_rotation_save(
                    plan=plan,
                    stations=form.station_list(),
                    minutes_per_station=form.cleaned_data["minutes_per_station"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Rotation saved."))
                return redirect("diff-plan-stations", plan_id=plan.pk)
    return render(
        request,
        "differentiation/stations.html",
        {
            "plan": plan,
            "grouping": plan.grouping,
            "school_class": plan.grouping.school_class,
            "form": form,
            "can_change": can_change,
            "schedule": selectors.rotation_table(plan, rotation) if rotation else None,
        },
    )


@login_required
def my_group(request: HttpRequest) -> HttpResponse:
    """A learner's own group plan entries; a guardian's children's."""
    people = [request.user, *selectors.children_of(request.user)]
    sections = [(p, selectors.entries_for_learner(p)) for p in people]
    sections = [(p, rows) for p, rows in sections if rows or p == request.user]
    return render(request, "differentiation/my_group.html", {"sections": sections})

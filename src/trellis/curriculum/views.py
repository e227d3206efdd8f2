"""Curriculum pages: frameworks (browse, CASE import and export), items and
resources (a school's teachers and admins write them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from trellis.curriculum import access, selectors, services
from trellis.curriculum.case import framework_export_case, framework_import_case
from trellis.curriculum.forms import CaseImportForm, ItemForm, ResourceForm
from trellis.curriculum.models import Competency
from trellis.people.access import FORBIDDEN, access_school
from trellis.people.selectors import first_staff_school, schools_administered_by

if TYPE_CHECKING:
    from trellis.people.models import School


def _authoring_school(user) -> School:
    """The school a teacher or admin writes items for (their first)."""
    school = first_staff_school(user)
    if school is None:
        raise PermissionDenied(FORBIDDEN)
    return school


def _competencies_for(school: School):
    return (
        Competency.objects.filter(
            framework__in=selectors.frameworks_for_school(school), children__isnull=True
        )
        .select_related("framework")
        .order_by("framework__title", "position")
    )


@login_required
def framework_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "curriculum/framework_list.html",
        {
            "frameworks": selectors.frameworks_visible_to(request.user)
            .select_related("school")
            .order_by("title"),
            "import_schools": list(schools_administered_by(request.user)),
        },
    )


@login_required
def framework_detail(request: HttpRequest, framework_id: int) -> HttpResponse:
    framework = access.access_framework(request.user, framework_id)
    competencies = list(framework.competencies.order_by("position", "pk"))
    prereqs = selectors.prerequisites_of([c.pk for c in competencies])
    by_id = {c.pk: c for c in competencies}
    children: dict[int | None, list[Competency]] = {}
    for c in competencies:
        children.setdefault(c.parent_id, []).append(c)
    rows: list[tuple[int, Competency, list[Competency]]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for c in children.get(parent_id, []):
            rows.append((depth, c, [by_id[p] for p in sorted(prereqs.get(c.pk, ())) if p in by_id]))
            walk(c.pk, depth + 1)

    walk(None, 0)
    return render(
        request, "curriculum/framework_detail.html", {"framework": framework, "rows": rows}
    )


@login_required
def framework_case(request: HttpRequest, framework_id: int) -> HttpResponse:
    framework = access.access_framework(request.user, framework_id)
    response = JsonResponse(
        framework_export_case(framework=framework), json_dumps_params={"indent": 2}
    )
    response["Content-Disposition"] = f'attachment; filename="framework-{framework.pk}-case.json"'
    return response


@login_required
def framework_import(request: HttpRequest, school_id: int) -> HttpResponse:
    school = access_school(request.user, school_id)
    form = CaseImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        raw = form.cleaned_data["file"].read()
        try:
            framework = framework_import_case(data=raw, school=school)
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(
                request,
                _("Imported “%(title)s” with %(count)s competencies.")
                % {"title": framework.title, "count": framework.competencies.count()},
            )
            return redirect("framework-detail", framework.pk)
    return render(request, "curriculum/framework_import.html", {"form": form, "school": school})


@login_required
def item_list(request: HttpRequest) -> HttpResponse:
    items = selectors.items_visible_to(request.user).order_by("-pk")[:200]
    resources = selectors.resources_visible_to(request.user).order_by("title")[:200]
    return render(request, "curriculum/item_list.html", {"items": items, "resources": resources})


@login_required
def item_create(request: HttpRequest) -> HttpResponse:
    school = _authoring_school(request.user)
    form = ItemForm(request.POST or None, competencies_qs=_competencies_for(school))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.item_create(
                school=school,
                kind=data["kind"],
                prompt=data["prompt"],
                competencies=list(data["competencies"]),
                created_by=request.user,
                options=data.get("options"),
                numeric_answer=data.get("numeric_answer"),
                numeric_tolerance=data.get("numeric_tolerance") or 0,
                accepted_answers=data.get("accepted"),
                rubric=data.get("criteria"),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Question saved."))
            return redirect("item-list")
    return render(request, "curriculum/item_form.html", {"form": form, "school": school})


@login_required
def resource_create(request: HttpRequest) -> HttpResponse:
    school = _authoring_school(request.user)
    form = ResourceForm(request.POST or None, competencies_qs=_competencies_for(school))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.resource_create(
                school=school,
                title=data["title"],
                format=data["format"],
                url=data["url"],
                description=data["description"],
                readiness_level=data["readiness_level"],
                interest_tags=data["interest_tags"],
                accessibility_features=data["accessibility_features"],
                competencies=list(data["competencies"]),
                created_by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Resource saved."))
            return redirect("item-list")
    return render(request, "curriculum/resource_form.html", {"form": form, "school": school})

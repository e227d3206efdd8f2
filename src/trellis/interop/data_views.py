"""The admin's data tools as pages: exports, a learner's complete record and
erasure (with a confirmation step), next to the roster and data-set imports.

The API had all of these; an admin answering a family's request should not
need a token and curl. Each page checks ``interop.use_data_tools`` (school
admins and operators) and then, for the record it touches, the same access
function as the API endpoint, so a page can never reach more than the API."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from trellis.interop import access, exports
from trellis.interop.forms import ErasureConfirmForm, ExportForm
from trellis.interop.learner_record import learner_archive, learner_erase
from trellis.people.access import FORBIDDEN
from trellis.people.selectors import (
    classes_of_schools,
    learners_of_schools_administered_by,
    schools_administered_by,
)

#: Learners listed on the learner-record page at once; a search narrows them.
LEARNERS_SHOWN = 50
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def _require_data_tools(request: HttpRequest) -> None:
    if not request.user.has_perm("interop.use_data_tools"):
        raise PermissionDenied(FORBIDDEN)


def _attachment(body: str | bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def data_tools(request: HttpRequest) -> HttpResponse:
    _require_data_tools(request)
    user = request.user
    return render(
        request,
        "interop/data_tools.html",
        {
            "schools": list(schools_administered_by(user)),
            "can_roster": user.has_perm("interop.import_roster"),
        },
    )


def _export_scopes(user) -> list[tuple[str, str]]:
    """The schools the person runs, then each of their classes."""
    names = {s.pk: str(s) for s in schools_administered_by(user)}
    classes = classes_of_schools(list(names)).order_by("school_id", "name")
    scopes = [(f"school-{pk}", name) for pk, name in names.items()]
    scopes += [(f"class-{c.pk}", f"{c.name} · {names[c.school_id]}") for c in classes]
    return scopes


@login_required
@require_http_methods(["GET"])
def data_exports(request: HttpRequest) -> HttpResponse:
    """The form, and the file when it is filled in (a GET: downloading
    changes nothing)."""
    _require_data_tools(request)
    scopes = _export_scopes(request.user)
    if "scope" not in request.GET:
        return render(request, "interop/data_exports.html", {"form": ExportForm(scopes=scopes)})
    form = ExportForm(request.GET, scopes=scopes)
    if not form.is_valid():
        return render(request, "interop/data_exports.html", {"form": form}, status=400)
    kind, _dash, pk = form.cleaned_data["scope"].partition("-")
    table, fmt = form.cleaned_data["table"], form.cleaned_data["fmt"]
    if kind == "school":
        school = access.access_school_export(request.user, pk)
        body = exports.school_export(user=request.user, school=school, table=table, fmt=fmt)
    else:
        school_class = access.access_class_export(request.user, pk)
        body = exports.class_export(
            user=request.user, school_class=school_class, table=table, fmt=fmt
        )
    return _attachment(body, CONTENT_TYPES[fmt], f"{kind}-{pk}-{table}.{fmt}")


@login_required
def data_learner_records(request: HttpRequest) -> HttpResponse:
    """The school's learners (a search narrows them), each with their
    complete record to download and the way to erase it."""
    _require_data_tools(request)
    search = request.GET.get("q", "").strip()
    learners = list(learners_of_schools_administered_by(request.user, search)[: LEARNERS_SHOWN + 1])
    return render(
        request,
        "interop/data_learners.html",
        {
            "learners": learners[:LEARNERS_SHOWN],
            "more": len(learners) > LEARNERS_SHOWN,
            "search": search,
            "shown": LEARNERS_SHOWN,
        },
    )


@login_required
def data_learner_archive(request: HttpRequest, learner_id: int) -> HttpResponse:
    learner = access.access_learner_export(request.user, learner_id)
    return _attachment(
        learner_archive(learner=learner), "application/zip", f"learner-{learner.pk}.zip"
    )


@login_required
@require_http_methods(["GET", "POST"])
def data_learner_erase(request: HttpRequest, learner_id: int) -> HttpResponse:
    """Erasure after a confirmation: the page says what goes and what stays,
    and the admin types the learner's username before anything is erased."""
    learner = access.access_learner_erasure(request.user, learner_id)
    template = "interop/data_erase.html"
    if request.method == "GET":
        form = ErasureConfirmForm(username=learner.username)
        return render(request, template, {"learner": learner, "form": form})
    form = ErasureConfirmForm(request.POST, username=learner.username)
    if not form.is_valid():
        return render(request, template, {"learner": learner, "form": form}, status=400)
    name = str(learner)
    try:
        erasure = learner_erase(learner=learner, requested_by=request.user)
    except ValueError as error:
        return render(
            request, template, {"learner": learner, "form": form, "error": str(error)}, status=400
        )
    return render(
        request,
        "interop/data_erased.html",
        {"name": name, "erasure": erasure, "removed": sorted(erasure.removed.items())},
    )

"""The roster page for site operators: upload a OneRoster zip, see the same
report as ``trellis import-oneroster --dry-run`` (every problem with its
file, line and column, or every change it would make), then confirm."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from trellis.interop import tasks
from trellis.interop.forms import DatasetUploadForm, RosterUploadForm
from trellis.interop.oneroster import RosterRefused, export_roster, import_roster, report_rows
from trellis.jobs import runner
from trellis.jobs.views import POLL_SECONDS
from trellis.people.access import FORBIDDEN, NOT_FOUND, NotVisible

SESSION_KEY = "oneroster_upload"
UPLOAD_EXPIRED = gettext_lazy(
    "That upload is no longer waiting to be imported; upload the file again."
)
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
TEMPLATE = "interop/oneroster_import.html"


def _upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "oneroster-uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _require(request: HttpRequest, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied(FORBIDDEN)


def _report(
    request, *, plan=None, refused=None, token=None, filename="", applied=False, status=200
):
    context = {
        "form": RosterUploadForm(),
        "filename": filename,
        # A hostile file can hold a million problems: the first hundred are listed.
        "problems": refused.shown if refused is not None else None,
        "problem_count": len(refused.problems) if refused is not None else 0,
        "more_problems": refused.more if refused is not None else 0,
        "rows": report_rows(plan) if plan is not None else None,
        "notes": plan.notes if plan is not None else [],
        "has_changes": plan.has_changes if plan is not None else False,
        "token": token,
        "applied": applied,
    }
    return render(request, TEMPLATE, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def oneroster_import(request: HttpRequest) -> HttpResponse:
    _require(request, "interop.import_roster")
    if request.method == "GET":
        return render(request, TEMPLATE, {"form": RosterUploadForm()})
    form = RosterUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, TEMPLATE, {"form": form}, status=400)
    upload = form.cleaned_data["file"]
    token = secrets.token_hex(16)
    path = _upload_dir() / f"{token}.zip"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    try:
        plan = import_roster(str(path), dry_run=True)
    except RosterRefused as refused:
        path.unlink(missing_ok=True)
        return _report(request, refused=refused, filename=upload.name, status=422)
    request.session[SESSION_KEY] = {"token": token, "filename": upload.name}
    return _report(request, plan=plan, token=token, filename=upload.name)


@login_required
@require_POST
def oneroster_confirm(request: HttpRequest) -> HttpResponse:
    _require(request, "interop.import_roster")
    waiting = request.session.get(SESSION_KEY) or {}
    token = request.POST.get("token", "")
    path = _upload_dir() / f"{token}.zip"
    if not _TOKEN.match(token) or waiting.get("token") != token or not path.is_file():
        return render(
            request, TEMPLATE, {"form": RosterUploadForm(), "error": UPLOAD_EXPIRED}, status=409
        )
    filename = waiting.get("filename", "")
    request.session.pop(SESSION_KEY, None)
    # The import runs as a background task (in-process without a broker); the
    # page shows its progress, polled, and then its report.
    run = runner.start(
        tasks.import_oneroster,
        label=tasks.ROSTER_LABEL.format(name=filename),
        started_by=request.user,
        args=(str(path), request.user.pk, filename),
    )
    return render(
        request, TEMPLATE, {"form": RosterUploadForm(), "run": run, "poll_seconds": POLL_SECONDS}
    )


@login_required
@require_POST
def oneroster_export(request: HttpRequest) -> FileResponse:
    _require(request, "interop.export_roster")
    path = _upload_dir() / f"export-{secrets.token_hex(8)}.zip"
    export_roster(str(path))
    handle = path.open("rb")
    path.unlink()  # the open handle keeps the data until the response is sent (POSIX)
    return FileResponse(handle, as_attachment=True, filename="oneroster-export.zip")


DATASET_TEMPLATE = "interop/dataset_import.html"


def _dataset_classes(user):
    from trellis.people.selectors import classes_of_schools_administered_by

    return classes_of_schools_administered_by(user)


@login_required
@require_http_methods(["GET", "POST"])
def dataset_import(request: HttpRequest) -> HttpResponse:
    """Load a public response log into a class, as a background task whose
    progress the page shows (for school admins and operators)."""
    classes = _dataset_classes(request.user)
    if not classes.exists():
        raise NotVisible(NOT_FOUND)
    if request.method == "GET":
        return render(request, DATASET_TEMPLATE, {"form": DatasetUploadForm(classes=classes)})
    form = DatasetUploadForm(request.POST, request.FILES, classes=classes)
    if not form.is_valid():
        return render(request, DATASET_TEMPLATE, {"form": form}, status=400)
    upload = form.cleaned_data["file"]
    school_class = form.cleaned_data["school_class"]
    folder = Path(settings.MEDIA_ROOT) / "dataset-uploads" / secrets.token_hex(16)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / Path(upload.name).name
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    run = runner.start(
        tasks.import_dataset,
        label=tasks.DATASET_LABEL.format(name=path.name, school_class=school_class.name),
        started_by=request.user,
        school=school_class.school,
        args=(str(path), form.cleaned_data["format"], school_class.pk),
        kwargs={"max_learners": form.cleaned_data["max_learners"], "remove": True},
    )
    context = {"form": DatasetUploadForm(classes=classes), "run": run, "poll_seconds": POLL_SECONDS}
    return render(request, DATASET_TEMPLATE, context)

"""The QTI page for a school's teachers and admins: upload a package (its
items are added to the school, all or none, or every problem is listed with
its file, line and element) and download the school's items, all of them
or one framework's."""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from trellis.curriculum.selectors import frameworks_for_school
from trellis.interop.access import access_export_framework, access_item_exchange_school
from trellis.interop.forms import QtiExportForm, QtiUploadForm
from trellis.interop.qti import QtiRefused, export_items, import_items

TEMPLATE = "interop/qti.html"


def _context(school, **extra) -> dict:
    return {
        "school": school,
        "form": QtiUploadForm(),
        "export_form": QtiExportForm(frameworks=frameworks_for_school(school)),
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def qti_items(request: HttpRequest) -> HttpResponse:
    school = access_item_exchange_school(request.user)
    if request.method == "GET":
        return render(request, TEMPLATE, _context(school))
    form = QtiUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, TEMPLATE, _context(school, form=form), status=400)
    upload = form.cleaned_data["file"]
    try:
        items = import_items(upload, school=school, user=request.user)
    except QtiRefused as refused:
        context = _context(
            school,
            filename=upload.name,
            problems=refused.shown,
            problem_count=len(refused.problems),
            more_problems=refused.more,
        )
        return render(request, TEMPLATE, context, status=422)
    return render(request, TEMPLATE, _context(school, filename=upload.name, imported=items))


@login_required
@require_GET
def qti_download(request: HttpRequest) -> HttpResponse:
    school = access_item_exchange_school(request.user)
    framework_id = request.GET.get("framework") or None
    framework = (
        access_export_framework(request.user, school, framework_id) if framework_id else None
    )
    buffer = io.BytesIO()
    export_items(buffer, school=school, framework=framework)
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="qti-items-{school.pk}.zip"'
    return response

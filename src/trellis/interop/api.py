"""Export endpoints: class and school tables as CSV or JSON, a learner's
whole record as a zip, and erasure of a learner. Each endpoint checks access
through ``trellis.interop.access`` and calls one service."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from trellis.interop import access, exports
from trellis.interop.learner_record import learner_archive, learner_erase
from trellis.interop.xapi.selectors import activity_row, statements_for_learner

router = Router(tags=["exports"])
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def _file(body: str | bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _table(make, fmt: str, filename: str) -> HttpResponse:
    try:
        body = make()
    except ValueError as error:
        raise ValidationError(str(error))
    return _file(body, CONTENT_TYPES[fmt], f"{filename}.{fmt}")


@router.get("/exports/classes/{class_id}/{table}.{fmt}", url_name="export-class")
def export_class(request: HttpRequest, class_id: int, table: str, fmt: str):
    """One table (mastery, evidence, goals, plans) for a class's learners."""
    school_class = access.access_class_export(request.user, class_id)
    return _table(
        lambda: exports.class_export(
            user=request.user, school_class=school_class, table=table, fmt=fmt
        ),
        fmt if fmt in CONTENT_TYPES else "csv",
        f"class-{class_id}-{table}",
    )


@router.get("/exports/schools/{school_id}/{table}.{fmt}", url_name="export-school")
def export_school(request: HttpRequest, school_id: int, table: str, fmt: str):
    """One table (mastery, evidence, goals, plans) for a school's learners."""
    school = access.access_school_export(request.user, school_id)
    return _table(
        lambda: exports.school_export(user=request.user, school=school, table=table, fmt=fmt),
        fmt if fmt in CONTENT_TYPES else "csv",
        f"school-{school_id}-{table}",
    )


@router.get("/exports/learners/{learner_id}/archive.zip", url_name="export-learner")
def export_learner(request: HttpRequest, learner_id: int):
    """Everything Trellis holds about one learner, as a zip of JSON files."""
    learner = access.access_learner_export(request.user, learner_id)
    return _file(learner_archive(learner=learner), "application/zip", f"learner-{learner_id}.zip")


class ErasureOut(Schema):
    learner_id: int
    erased_at: str
    removed: dict[str, int]


@router.post("/exports/learners/{learner_id}/erase", response=ErasureOut, url_name="erase-learner")
def erase_learner(request: HttpRequest, learner_id: int):
    """Erase a learner's personal data (a school admin, on a family's request)."""
    learner = access.access_learner_erasure(request.user, learner_id)
    try:
        erasure = learner_erase(learner=learner, requested_by=request.user)
    except ValueError as error:
        raise ValidationError(str(error))
    return ErasureOut(
        learner_id=learner.pk, erased_at=erasure.erased_at.isoformat(), removed=erasure.removed
    )


class ActivityOut(Schema):
    when: str
    tool: str
    verb: str
    activity: str
    outcome: str
    evidence: bool
    note: str


@router.get(
    "/xapi/learners/{learner_id}/statements",
    response=list[ActivityOut],
    url_name="learner-xapi-statements",
)
def learner_statements(request: HttpRequest, learner_id: int):
    """The latest 100 statements outside tools sent about a learner."""
    learner = access.access_learner_activity(request.user, learner_id)
    return [activity_row(s) for s in statements_for_learner(learner)[:100]]

"""Interoperability endpoints: class and school tables as CSV or JSON, a
learner's whole record as a zip, erasure of a learner, a learner's outside
(xAPI) activity, the tools' xAPI credentials, OneRoster import and
export, and QTI 3.0 item packages. Each endpoint checks access through ``trellis.interop.access`` (or
the rule it names) and calls one service. The xAPI Statements resource
itself is not here: it lives at ``/xapi/statements`` (``xapi/views.py``)."""

from __future__ import annotations

import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from trellis.interop import access, exports
from trellis.interop.learner_record import learner_archive, learner_erase
from trellis.interop.oneroster import RosterRefused, export_roster, import_roster
from trellis.interop.qti import QtiRefused, export_items, import_items
from trellis.interop.xapi.credentials import credential_issue, credential_revoke, credentials_for
from trellis.interop.xapi.selectors import (
    activity_row,
    learners_with_activity,
    statements_for_learner,
)
from trellis.people.access import FORBIDDEN

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


class LearnerActivityOut(Schema):
    learner_id: int
    learner: str
    statements: int
    evidence: int
    latest: str


@router.get("/xapi/learners", response=list[LearnerActivityOut], url_name="xapi-activity-overview")
def learners_activity(request: HttpRequest):
    """The learners you may see who have outside activity, latest first."""
    return [
        {
            "learner_id": row.learner.pk,
            "learner": str(row.learner),
            "statements": row.statements,
            "evidence": row.evidence,
            "latest": row.latest.isoformat(),
        }
        for row in learners_with_activity(request.user)
    ]


@router.get(
    "/xapi/learners/{learner_id}/statements",
    response=list[ActivityOut],
    url_name="learner-xapi-statements",
)
def learner_statements(request: HttpRequest, learner_id: int):
    """The latest 100 statements outside tools sent about a learner."""
    learner = access.access_learner_activity(request.user, learner_id)
    return [activity_row(s) for s in statements_for_learner(learner)[:100]]


class CredentialOut(Schema):
    id: int
    school_id: int
    name: str
    key: str
    active: bool
    created_at: str


class CredentialIssued(CredentialOut):
    secret: str


class CredentialIn(Schema):
    school_id: int
    name: str


def _credential(credential) -> dict:
    return {
        "id": credential.pk,
        "school_id": credential.school_id,
        "name": credential.name,
        "key": credential.key,
        "active": credential.active,
        "created_at": credential.created_at.isoformat(),
    }


@router.get("/xapi/credentials", response=list[CredentialOut], url_name="xapi-credentials")
def list_credentials(request: HttpRequest):
    """The xAPI credentials of the schools you administer (no secrets)."""
    return [_credential(c) for c in credentials_for(request.user)]


@router.post(
    "/xapi/credentials", response={201: CredentialIssued}, url_name="xapi-credential-issue"
)
def issue_credential(request: HttpRequest, payload: CredentialIn):
    """Issue a key and secret for one tool of a school; the secret is in
    this answer only."""
    school = access.access_credential_school(request.user, payload.school_id)
    credential, secret = credential_issue(school=school, name=payload.name)
    return Status(201, {**_credential(credential), "secret": secret})


@router.post(
    "/xapi/credentials/{credential_id}/revoke",
    response=CredentialOut,
    url_name="xapi-credential-revoke",
)
def revoke_credential(request: HttpRequest, credential_id: int):
    """Stop accepting a tool's credential."""
    credential = access.access_credential(request.user, credential_id)
    return _credential(credential_revoke(credential=credential))


class ProblemOut(Schema):
    file: str
    line: int
    column: str
    message: str


class RosterReportOut(Schema):
    dry_run: bool
    changes: dict[str, dict[str, int]]
    notes: list[str]


#: The uploaded zip (a required multipart field named ``file``).
ROSTER_FILE = File(...)


class RosterRefusedOut(Schema):
    detail: str
    #: The first 100 problems; ``more`` counts the rest.
    problems: list[ProblemOut]
    more: int = 0


@router.post(
    "/oneroster/import",
    response={200: RosterReportOut, 422: RosterRefusedOut},
    url_name="oneroster-import-api",
)
def oneroster_import(request: HttpRequest, file: UploadedFile = ROSTER_FILE, dry_run: bool = False):
    """Import a OneRoster 1.2 CSV zip (all or nothing), or with
    ``dry_run=true`` only report what it would change. A refused file is a
    422 listing every problem with its file, line and column."""
    if not request.user.has_perm("interop.import_roster"):
        raise PermissionDenied(FORBIDDEN)
    try:
        plan = import_roster(file, dry_run=dry_run, user=request.user, filename=file.name or "")
    except RosterRefused as refused:
        problems = [p.as_dict() for p in refused.shown]
        return Status(422, {"detail": str(refused), "problems": problems, "more": refused.more})
    return Status(200, {"dry_run": dry_run, "changes": plan.summary, "notes": plan.notes})


@router.post("/oneroster/export", url_name="oneroster-export-api")
def oneroster_export(request: HttpRequest, claim: bool = False):
    """The whole roster as a OneRoster 1.2 CSV zip (bulk). With
    ``claim=true`` records made in Trellis are first given sourcedIds (source
    ``trellis``) and exported too."""
    if not request.user.has_perm("interop.export_roster"):
        raise PermissionDenied(FORBIDDEN)
    buffer = io.BytesIO()
    export_roster(buffer, claim=claim)
    return _file(buffer.getvalue(), "application/zip", "oneroster-export.zip")


class QtiProblemOut(Schema):
    file: str
    line: int
    element: str
    message: str


class QtiImportOut(Schema):
    school_id: int
    imported: int
    item_ids: list[int]


class QtiRefusedOut(Schema):
    detail: str
    #: The first 100 problems; ``more`` counts the rest.
    problems: list[QtiProblemOut]
    more: int = 0


#: The uploaded QTI package (a required multipart field named ``file``).
QTI_FILE = File(...)


@router.post(
    "/qti/import",
    response={200: QtiImportOut, 422: QtiRefusedOut},
    url_name="qti-import-api",
)
def qti_import(request: HttpRequest, file: UploadedFile = QTI_FILE, school_id: int | None = None):
    """Import the items of a QTI 3.0 package into your school (or
    ``school_id``, one you teach or administer), all or nothing. A refused
    package is a 422 listing every problem with its file, line and element."""
    school = access.access_item_exchange_school(request.user, school_id)
    try:
        items = import_items(file, school=school, user=request.user)
    except QtiRefused as refused:
        problems = [p.as_dict() for p in refused.shown]
        return Status(422, {"detail": str(refused), "problems": problems, "more": refused.more})
    return Status(
        200, {"school_id": school.pk, "imported": len(items), "item_ids": [i.pk for i in items]}
    )


@router.get("/qti/export", url_name="qti-export-api")
def qti_export(request: HttpRequest, framework: int | None = None, school_id: int | None = None):
    """Your school's active items as a QTI 3.0 package (a zip), or only
    those linked to competencies of ``framework``."""
    school = access.access_item_exchange_school(request.user, school_id)
    chosen = (
        access.access_export_framework(request.user, school, framework)
        if framework is not None
        else None
    )
    buffer = io.BytesIO()
    export_items(buffer, school=school, framework=chosen)
    return _file(buffer.getvalue(), "application/zip", f"qti-items-{school.pk}.zip")

"""Summative reports on individual plans."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from trellis.api.routers.individualization.schemas import ReportIn, ReportOut
from trellis.individualization import access, selectors
from trellis.individualization.services import reports

router = Router()


@router.get(
    "/individual-plans/reports",
    response=list[ReportOut],
    summary="Summative reports the caller may read (a guardian: shared ones)",
)
def report_list(request: HttpRequest, learner_id: int | None = None):
    found = selectors.reports_visible_to(request.user)
    return [_report_out(r) for r in found if learner_id is None or r.learner_id == learner_id]


def _report_out(r) -> ReportOut:
    return ReportOut(
        id=r.pk,
        learner_id=r.learner_id,
        assessment_id=r.assessment_id,
        rows=r.rows,
        shared_with_guardians_at=r.shared_with_guardians_at,
    )


@router.post(
    "/individual-plans/reports", response={201: ReportOut}, summary="Make a summative report"
)
def report_create(request: HttpRequest, payload: ReportIn):
    learner = access.access_learner_to_write_for(request.user, payload.learner_id)
    from trellis.evidence.access import access_assessment_to_manage

    assessment = access_assessment_to_manage(request.user, payload.assessment_id)
    return Status(
        201,
        _report_out(
            reports.summative_report_create(
                learner=learner, assessment=assessment, created_by=request.user
            )
        ),
    )


@router.get(
    "/individual-plans/reports/{report_id}", response=ReportOut, summary="A summative report"
)
def report_detail(request: HttpRequest, report_id: int):
    return _report_out(access.access_report(request.user, report_id))


@router.post(
    "/individual-plans/reports/{report_id}/share",
    response=ReportOut,
    summary="Share with guardians",
)
def report_share(request: HttpRequest, report_id: int):
    report = access.access_report_to_share(request.user, report_id)
    return _report_out(reports.summative_report_share(report=report))

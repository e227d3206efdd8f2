"""Background refits of the schools' mastery models (see trellis.jobs)."""

from __future__ import annotations

from celery import shared_task

from trellis.evidence.services import mastery_fit_school
from trellis.jobs.runner import tracked
from trellis.people.models import School

REFIT_LABEL = "Refit the mastery model of {school}"


def refit_label(school: School) -> str:
    return REFIT_LABEL.format(school=school.name)


@shared_task(bind=True, name="trellis.refit_school", max_retries=3, acks_late=True)
def refit_school(self, school_id: int, run_id: str | None = None) -> None:
    """Fit one school's model on all its evidence and rebuild its records."""
    school = School.objects.get(pk=school_id)
    with tracked(self, run_id=run_id, label=refit_label(school), school=school) as run:
        run.progress(10, "Fitting the model on the school's evidence")
        row = mastery_fit_school(school=school)
        run.report = {
            "model": row.pk,
            "responses": row.n_responses,
            "lines": [f"Fitted on {row.n_responses} responses; every mastery record rebuilt."],
        }
        run.message = "Done"


@shared_task(name="trellis.refit_all_schools")
def refit_all_schools() -> int:
    """The nightly schedule: one refit task per school, so workers share them."""
    ids = list(School.objects.order_by("pk").values_list("pk", flat=True))
    for school_id in ids:
        refit_school.delay(school_id)
    return len(ids)

"""Background refits of the schools' mastery models (see trellis.jobs)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from celery import shared_task
from django.utils.translation import gettext_noop

from trellis.evidence.services import mastery_fit_school
from trellis.jobs.runner import tracked
from trellis.jobs.texts import task_text
from trellis.people.selectors import all_schools

if TYPE_CHECKING:
    from trellis.people.models import School

# Stored in English and shown in the reader's language (trellis.jobs.texts).
REFIT_LABEL = task_text(gettext_noop("Refit the mastery model of {school}"))
REFIT_FITTING = task_text(gettext_noop("Fitting the model on the school's evidence"))
REFIT_FITTED = task_text(gettext_noop("Fitted on {count} responses; every mastery record rebuilt."))
REFIT_DONE = task_text(gettext_noop("Done"))


def refit_label(school: School) -> str:
    return REFIT_LABEL.format(school=school.name)


@shared_task(bind=True, name="trellis.refit_school", max_retries=3, acks_late=True)
def refit_school(self, school_id: int, run_id: str | None = None) -> None:
    """Fit one school's model on all its evidence and rebuild its records."""
    school = all_schools().get(pk=school_id)
    with tracked(self, run_id=run_id, label=refit_label(school), school=school) as run:
        run.progress(10, REFIT_FITTING)
        row = mastery_fit_school(school=school)
        run.report = {
            "model": row.pk,
            "responses": row.n_responses,
            "lines": [REFIT_FITTED.format(count=row.n_responses)],
        }
        run.message = REFIT_DONE


@shared_task(name="trellis.refit_all_schools")
def refit_all_schools() -> int:
    """The nightly schedule: one refit task per school, so workers share them."""
    ids = list(all_schools().order_by("pk").values_list("pk", flat=True))
    for school_id in ids:
        refit_school.delay(school_id)
    return len(ids)

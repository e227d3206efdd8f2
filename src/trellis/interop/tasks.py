"""Interop as background work (see trellis.jobs): roster and data-set imports
started from their pages, and the xAPI outbox sent every minute."""

from __future__ import annotations

from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_noop

from trellis.engine import datasets
from trellis.interop.datasets import dataset_import
from trellis.interop.oneroster import RosterRefused, import_roster, report_lines, report_rows
from trellis.interop.xapi.outbox import outbox_send
from trellis.jobs.runner import Refused, tracked
from trellis.jobs.texts import task_text
from trellis.people.selectors import all_classes, person_by_id

# Stored in English and shown in the reader's language (trellis.jobs.texts).
ROSTER_LABEL = task_text(gettext_noop("Import the roster {name}"))
ROSTER_CHECKING = task_text(gettext_noop("Checking and applying the roster"))
ROSTER_REFUSED = task_text(
    gettext_noop("{name} was refused: {count} problem(s); nothing was imported.")
)
ROSTER_IMPORTED = task_text(gettext_noop("{name} was imported"))
DATASET_LABEL = task_text(gettext_noop("Import the data set {name} into {school_class}"))
DATASET_LOADING = task_text(gettext_noop("Reading the file and loading the responses"))
DATASET_IMPORTED = task_text(gettext_noop("Imported"))


@shared_task(bind=True, name="trellis.import_oneroster", max_retries=2, acks_late=True)
def import_oneroster(
    self, path: str, user_id: int | None, filename: str, run_id: str | None = None
) -> None:
    """Apply an uploaded (and already checked) OneRoster zip; the upload is
    removed once it has been imported or refused."""
    user = person_by_id(user_id) if user_id else None
    # The problems and the report are written in the language of whoever
    # started the import (the site's, for an import nobody started).
    language = (user.language if user else "") or settings.LANGUAGE_CODE
    with (
        tracked(self, run_id=run_id, label=ROSTER_LABEL.format(name=filename)) as run,
        translation.override(language),
    ):
        run.progress(10, ROSTER_CHECKING)
        try:
            plan = import_roster(path, user=user, filename=filename)
        except RosterRefused as refused:
            Path(path).unlink(missing_ok=True)
            problems = [
                {"file": p.file, "line": p.line, "column": p.column, "message": p.message}
                for p in refused.shown  # the first hundred; "more" counts the rest
            ]
            raise Refused(
                ROSTER_REFUSED.format(name=filename, count=len(refused.problems)),
                report={"problems": problems, "more": refused.more},
            ) from refused
        Path(path).unlink(missing_ok=True)
        run.report = {"lines": report_lines(plan), "rows": report_rows(plan)}
        run.message = ROSTER_IMPORTED.format(name=filename)


@shared_task(bind=True, name="trellis.import_dataset", max_retries=2, acks_late=True)
def import_dataset(
    self,
    path: str,
    format: str,
    class_id: int,
    max_learners: int | None = None,
    remove: bool = False,
    run_id: str | None = None,
) -> None:
    """Load a response log into a class (then refit the school), as
    ``trellis import-dataset`` does; ``remove`` deletes the file (an upload)
    once it is imported or refused."""
    school_class = all_classes().select_related("school").get(pk=class_id)
    label = DATASET_LABEL.format(name=Path(path).name, school_class=school_class.name)
    with tracked(self, run_id=run_id, label=label, school=school_class.school) as run:
        run.progress(10, DATASET_LOADING)
        try:
            summary = dataset_import(
                path=path, format=format, school_class=school_class, max_learners=max_learners
            )
        except (OSError, ValueError, datasets.DatasetError) as error:
            if remove:
                Path(path).unlink(missing_ok=True)
            # Name the file as its uploader knows it, not where the server keeps it.
            raise Refused(str(error).replace(path, Path(path).name)) from error
        if remove:
            Path(path).unlink(missing_ok=True)
        run.report = {
            **summary.as_dict(),
            "lines": [
                f"{key.replace('_', ' ')}: {value}" for key, value in summary.as_dict().items()
            ],
        }
        run.message = DATASET_IMPORTED


@shared_task(name="trellis.send_xapi_outbox")
def send_xapi_outbox() -> dict[str, int]:
    """Send the due xAPI statements (each row keeps its own tries and backoff)."""
    return outbox_send()

"""A task run's stored English is shown in the reader's language."""

from __future__ import annotations

from django.utils import translation

from trellis.evidence.tasks import REFIT_FITTED, REFIT_LABEL
from trellis.family.tasks import DIGEST_SKIPPED
from trellis.jobs.models import TaskRun
from trellis.jobs.texts import translated


def test_a_stored_label_and_message_read_in_the_active_language():
    # An unsaved run as an older row would hold it: plain English.
    run = TaskRun(
        label=REFIT_LABEL.format(school="North Ridge"),
        message=DIGEST_SKIPPED,
        report={"lines": [REFIT_FITTED.format(count=12), "kept as is"]},
    )
    with translation.override("es"):
        spanish_label = translation.gettext(REFIT_LABEL)
        spanish_line = translation.gettext(REFIT_FITTED)
        assert run.shown_label == spanish_label.format(school="North Ridge")
        assert run.shown_message == translation.gettext(DIGEST_SKIPPED)
        assert run.shown_report["lines"] == [spanish_line.format(count=12), "kept as is"]
    assert spanish_label != REFIT_LABEL
    with translation.override("en"):
        assert run.shown_label == run.label


def test_a_text_from_no_template_is_shown_as_stored():
    with translation.override("es"):
        assert translated("OSError: disk full") == "OSError: disk full"
        assert translated("") == ""

"""One run of a background task: who started it, for which school, how far it
got, and what it reported (or why it failed)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from trellis.jobs.texts import translated


class TaskRun(models.Model):
    QUEUED = "queued"
    RUNNING = "running"
    RETRYING = "retrying"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    STATES = [
        (QUEUED, _("Queued")),
        (RUNNING, _("Running")),
        (RETRYING, _("Waiting to retry")),
        (SUCCEEDED, _("Succeeded")),
        (FAILED, _("Failed")),
    ]
    FINISHED = {SUCCEEDED, FAILED}

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    #: The Celery task's name, e.g. ``trellis.refit_school``.
    name = models.CharField(max_length=100)
    #: What the run does, as shown to people ("Refit the mastery model for …").
    label = models.CharField(max_length=200)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="task_runs",
    )
    school = models.ForeignKey(
        "people.School", null=True, blank=True, on_delete=models.CASCADE, related_name="task_runs"
    )
    state = models.CharField(max_length=10, choices=STATES, default=QUEUED)
    #: 0–100.
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=200, blank=True)
    report = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    tries = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["school", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.label} ({self.state})"

    # What a person reads: the stored English in the active language
    # (trellis.jobs.texts), whenever the run was stored.
    @property
    def shown_label(self) -> str:
        return translated(self.label)

    @property
    def shown_message(self) -> str:
        return translated(self.message)

    @property
    def shown_error(self) -> str:
        return translated(self.error)

    @property
    def shown_report(self) -> dict:
        report = dict(self.report or {})
        if isinstance(report.get("lines"), list):
            report["lines"] = [translated(line) for line in report["lines"]]
        return report

    @property
    def finished(self) -> bool:
        return self.state in self.FINISHED

"""Mastery history: each change of a learner's level on a competency, with
its cause. Mastery records are overwritten (they are derived state); this
table keeps what they were, so that "progressed this week" reads real
changes and a refit of the school's model, which rewrites every record, is
told apart from a learner's answers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trellis.curriculum.models import Competency
from trellis.evidence.models.mastery_state import LEVELS

#: A learner's answer (or a teacher's first score of a performance task).
CAUSE_ANSWER = "answer"
#: A teacher's correction or re-score: the learner's evidence replayed.
CAUSE_CORRECTION = "correction"
#: The school's model refitted: every record recomputed, no new evidence.
CAUSE_REFIT = "refit"
CAUSES = [
    (CAUSE_ANSWER, _("Answer")),
    (CAUSE_CORRECTION, _("Correction")),
    (CAUSE_REFIT, _("Refit of the mastery model")),
]


class MasteryChange(models.Model):
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mastery_changes"
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.CASCADE, related_name="mastery_changes"
    )
    from_level = models.CharField(max_length=12, choices=LEVELS)
    to_level = models.CharField(max_length=12, choices=LEVELS)
    from_probability = models.FloatField()
    to_probability = models.FloatField()
    cause = models.CharField(max_length=12, choices=CAUSES)
    #: The answer (or correction) that caused it; empty for a refit.
    response = models.ForeignKey(
        "evidence.Response",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mastery_changes",
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_at", "pk"]
        indexes = [models.Index(fields=["learner", "changed_at"])]

    def __str__(self) -> str:
        return (
            f"{self.learner} · {self.competency.label}: {self.from_level} -> {self.to_level} "
            f"({self.cause})"
        )

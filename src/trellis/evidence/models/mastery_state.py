"""Derived state: the school's fitted mastery model and each learner's
current estimate per competency. Unlike evidence these are overwritten —
they can always be recomputed from the evidence."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from trellis.curriculum.models import Competency
from trellis.engine import levels as engine_levels
from trellis.evidence.constants import (  # noqa: F401 (re-exported)
    ATTEMPTED,
    FAMILIAR,
    LEVEL_ORDER,
    LEVELS,
    MASTERED,
    NOT_STARTED,
    PROFICIENT,
)
from trellis.people.models import School


class MasteryModel(models.Model):
    """Parameters fit on one school's evidence (``trellis fit-mastery``)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="mastery_models")
    name = models.CharField(max_length=40)
    params = models.JSONField()
    n_responses = models.PositiveIntegerField(default=0)
    n_learners = models.PositiveIntegerField(default=0)
    #: What ``fit-mastery`` measured to choose the model: each candidate's
    #: held-out AUC and log loss, the chosen one's calibration table, counts
    #: (``trellis.evidence.mastery.fit``); empty for default parameters.
    selection = models.JSONField(default=dict, blank=True)
    fitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-fitted_at", "-pk"]
        get_latest_by = ["fitted_at", "pk"]

    def __str__(self) -> str:
        return f"{self.name} for {self.school} ({self.fitted_at:%Y-%m-%d})"


class MasteryRecord(models.Model):
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mastery"
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.CASCADE, related_name="mastery_records"
    )
    probability = models.FloatField(default=0.0)
    level = models.CharField(max_length=12, choices=LEVELS, default=NOT_STARTED)
    attempts = models.PositiveIntegerField(default=0)
    correct = models.PositiveIntegerField(default=0)
    state = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learner", "competency"], name="mastery_unique")
        ]
        indexes = [models.Index(fields=["competency", "learner"])]

    def __str__(self) -> str:
        return f"{self.learner} · {self.competency.label}: {self.level}"

    @property
    def percent(self) -> int:
        """The probability as pages show it beside the level (rounded, never
        up across the level's threshold: ``engine.levels.percent``)."""
        return engine_levels.percent(self.probability)


class LearnerModelState(models.Model):
    """A learner's state under a model whose state spans skills (the history
    models: overall counts, the previous answer, an ability estimate). BKT
    keeps its state in each ``MasteryRecord`` instead. Derived like the
    records: rebuilt from the evidence by every fit, updated in place by
    every answer. ``state`` is ``{"model": MasteryModel id, "state": ...}``;
    a state of another model is rebuilt from the learner's evidence."""

    learner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="model_state"
    )
    state = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"model state of {self.learner}"

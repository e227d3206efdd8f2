"""Reflection on scored work (assessment AS learning) and the learner's
chosen path. The self-rating itself is an evidence ``RubricScore`` of kind
``self``; a reflection points at it and adds the learner's words."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from trellis.curriculum.models import Competency, Resource
from trellis.evidence.models import Response, RubricScore

BY_LEARNER = "learner"
BY_TEACHER = "teacher"
CHOSEN_BY = [(BY_LEARNER, _("Learner")), (BY_TEACHER, _("Teacher"))]


class Reflection(models.Model):
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflections"
    )
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="+")
    self_score = models.ForeignKey(RubricScore, on_delete=models.PROTECT, related_name="+")
    went_well = models.TextField()
    to_change = models.TextField()
    next_step = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Reflection by {self.learner_id} on response {self.response_id}"


class PathChoice(models.Model):
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="path_choices"
    )
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="+")
    resource = models.ForeignKey(
        Resource, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    chosen_by = models.CharField(max_length=8, choices=CHOSEN_BY)
    chosen_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.learner_id} chose {self.resource_id} for {self.competency_id}"

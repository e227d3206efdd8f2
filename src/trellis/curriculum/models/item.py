"""Assessment items. Five kinds share one table because a response, a score
and the mastery update treat them alike; the kind-specific answer key lives
in a few typed columns (numeric) and small validated JSON lists (options,
accepted answers, rubric), each checked in ``clean``."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from trellis.curriculum.kinds import (
    AUTO_SCORED,
    CHOICE,
    KINDS,
    MULTIPLE_RESPONSE,
    NUMERIC,
    RUBRIC,
    TEXT,
    WITH_OPTIONS,
)
from trellis.curriculum.models.framework import Competency
from trellis.people.models import School

CHOICE_NEEDS_OPTIONS = _("A multiple-choice item needs at least two options.")
CHOICE_NEEDS_ONE_CORRECT = _("Mark exactly one option as the correct answer (found {count}).")
MULTIPLE_NEEDS_CORRECT = _("Mark at least one option as correct.")
CHOICE_CORRECT_NOT_REMOVABLE = _("The correct answer cannot be marked removable.")
CHOICE_EMPTY_OPTION = _("Option {n} is empty.")
NUMERIC_NEEDS_ANSWER = _("A numeric item needs the correct value.")
NUMERIC_NEGATIVE_TOLERANCE = _("The tolerance cannot be negative.")
TEXT_NEEDS_ANSWERS = _("A short-text item needs at least one accepted answer.")
RUBRIC_NEEDS_CRITERIA = _("A rubric needs at least one criterion.")
RUBRIC_CRITERION_LEVELS = _("Criterion “{name}” needs at least two levels.")
RUBRIC_CRITERION_NAME = _("Criterion {n} has no name.")


class Item(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=20, choices=KINDS)
    prompt = models.TextField()
    competencies = models.ManyToManyField(Competency, related_name="items")
    #: ``[{"text": str, "correct": bool, "removable": bool}]`` — an option's
    #: index is its identity, so removing distractors for an accommodation
    #: never changes what an answer means.
    options = models.JSONField(default=list, blank=True)
    numeric_answer = models.FloatField(null=True, blank=True)
    numeric_tolerance = models.FloatField(default=0, blank=True)
    accepted_answers = models.JSONField(default=list, blank=True)
    #: ``[{"name": str, "levels": [str, ...]}]``; level ``i`` is worth ``i`` points.
    rubric = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.prompt[:60]

    @property
    def auto_scored(self) -> bool:
        return self.kind in AUTO_SCORED

    @property
    def rubric_max(self) -> int:
        return sum(len(c["levels"]) - 1 for c in self.rubric or [])

    def clean(self) -> None:
        errors: list[str] = []
        if self.kind in WITH_OPTIONS:
            options = self.options or []
            if len(options) < 2:
                errors.append(CHOICE_NEEDS_OPTIONS)
            for n, option in enumerate(options, start=1):
                if not str(option.get("text", "")).strip():
                    errors.append(CHOICE_EMPTY_OPTION.format(n=n))
            correct = [o for o in options if o.get("correct")]
            if self.kind == CHOICE and len(correct) != 1:
                errors.append(CHOICE_NEEDS_ONE_CORRECT.format(count=len(correct)))
            if self.kind == MULTIPLE_RESPONSE and not correct:
                errors.append(MULTIPLE_NEEDS_CORRECT)
            if any(o.get("correct") and o.get("removable") for o in options):
                errors.append(CHOICE_CORRECT_NOT_REMOVABLE)
        elif self.kind == NUMERIC:
            if self.numeric_answer is None:
                errors.append(NUMERIC_NEEDS_ANSWER)
            if (self.numeric_tolerance or 0) < 0:
                errors.append(NUMERIC_NEGATIVE_TOLERANCE)
        elif self.kind == TEXT:
            self.accepted_answers = [a for a in (self.accepted_answers or []) if str(a).strip()]
            if not self.accepted_answers:
                errors.append(TEXT_NEEDS_ANSWERS)
        elif self.kind == RUBRIC:
            criteria = self.rubric or []
            if not criteria:
                errors.append(RUBRIC_NEEDS_CRITERIA)
            for n, criterion in enumerate(criteria, start=1):
                name = str(criterion.get("name", "")).strip()
                if not name:
                    errors.append(RUBRIC_CRITERION_NAME.format(n=n))
                if len(criterion.get("levels") or []) < 2:
                    errors.append(RUBRIC_CRITERION_LEVELS.format(name=name or n))
        if errors:
            raise ValidationError(errors)

"""An assessment: a purpose, a set of items (or a rule to draw them), a time
limit and who it is assigned to; and each learner's attempt at it."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trellis.curriculum.models import Competency, Item
from trellis.evidence.constants import (  # noqa: F401 (re-exported)
    AS_LEARNING,
    FOR_LEARNING,
    OF_LEARNING,
    PURPOSE_SHORT,
    PURPOSES,
    TARGET_CLASS,
    TARGET_GROUP,
    TARGET_LEARNER,
    TARGETS,
)
from trellis.people.models import School, SchoolClass

NEEDS_ITEMS_OR_RULE = _("Choose items, or a number of items to draw from competencies.")
CLOSES_BEFORE_OPENS = _("The assessment closes before it opens.")
CLASS_OTHER_SCHOOL = _("The class belongs to another school.")
TARGET_MISMATCH = _("A {target} assignment needs {needs} and nothing else.")


class Assessment(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="assessments")
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.CASCADE, related_name="assessments"
    )
    title = models.CharField(max_length=200)
    purpose = models.CharField(max_length=3, choices=PURPOSES)
    instructions = models.TextField(blank=True)
    items = models.ManyToManyField(
        Item, through="AssessmentItem", related_name="assessments", blank=True
    )
    #: A draw rule: this many items, drawn per learner from these competencies.
    draw_count = models.PositiveSmallIntegerField(null=True, blank=True)
    draw_competencies = models.ManyToManyField(Competency, blank=True, related_name="+")
    time_limit_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    opens_at = models.DateTimeField(default=timezone.now)
    closes_at = models.DateTimeField(null=True, blank=True)
    #: Set when a teacher closes it early; releases OF-learning feedback.
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_at", "title"]
        indexes = [models.Index(fields=["school_class", "opens_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def purpose_short(self) -> str:
        return PURPOSE_SHORT[self.purpose]

    @property
    def counts_toward_grade(self) -> bool:
        return self.purpose == OF_LEARNING

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now and not self.is_closed(now)

    def is_closed(self, now=None) -> bool:
        now = now or timezone.now()
        return self.closed_at is not None or (self.closes_at is not None and self.closes_at <= now)

    def shows_feedback(self, now=None) -> bool:
        """FOR and AS learning: at once. OF learning: only once it is closed."""
        return self.purpose != OF_LEARNING or self.is_closed(now)

    def clean(self) -> None:
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": CLOSES_BEFORE_OPENS})
        if (
            self.school_class_id
            and self.school_id
            and self.school_class.school_id != self.school_id
        ):
            raise ValidationError({"school_class": CLASS_OTHER_SCHOOL})


class AssessmentItem(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="entries")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item"], name="assessment_item_unique")
        ]

    def __str__(self) -> str:
        return f"{self.assessment} #{self.position}: item {self.item_id}"


class AssessmentAssignment(models.Model):
    """Who takes an assessment: the whole class, a group (a generic reference
    the differentiation app fills: ``group_label``/``assigned_group_id``), or
    one learner."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="assignments")
    target = models.CharField(max_length=10, choices=TARGETS)
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    assigned_group_id = models.PositiveIntegerField(null=True, blank=True)
    group_label = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="assignment_target_consistent",
                condition=(
                    Q(target=TARGET_CLASS, learner__isnull=True, assigned_group_id__isnull=True)
                    | Q(
                        target=TARGET_LEARNER, learner__isnull=False, assigned_group_id__isnull=True
                    )
                    | Q(target=TARGET_GROUP, learner__isnull=True, assigned_group_id__isnull=False)
                ),
            ),
        ]
        indexes = [models.Index(fields=["learner", "assessment"])]

    def __str__(self) -> str:
        return f"{self.assessment} → {self.target}"

    def clean(self) -> None:
        needs = {
            TARGET_CLASS: (
                "no learner and no group",
                self.learner_id is None and self.assigned_group_id is None,
            ),
            TARGET_LEARNER: (
                "a learner",
                self.learner_id is not None and self.assigned_group_id is None,
            ),
            TARGET_GROUP: (
                "a group",
                self.learner_id is None and self.assigned_group_id is not None,
            ),
        }
        what, ok = needs.get(self.target, ("a known target", False))
        if not ok:
            raise ValidationError(TARGET_MISMATCH.format(target=self.target, needs=what))


class Attempt(models.Model):
    """One learner's sitting of an assessment. The items are fixed when it
    starts (a draw rule is drawn once), so leaving and coming back resumes
    exactly where the learner was."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="attempts")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts"
    )
    item_ids = models.JSONField(default=list)
    started_at = models.DateTimeField(default=timezone.now)
    #: The deadline this attempt got (from ``effective_time_limit``), if any.
    due_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "learner"], name="attempt_unique_learner")
        ]

    def __str__(self) -> str:
        return f"{self.learner} on {self.assessment}"

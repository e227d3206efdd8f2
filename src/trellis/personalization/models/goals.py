"""Goals the learner sets, their benchmarks, the teacher's reviews, and
check-ins. A check-in stores the goal's progress at that moment so the
projection has a history to fit (mastery itself keeps only its current
value)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from trellis.curriculum.models import Competency

PENDING = "pending"
APPROVED = "approved"
CHANGES = "changes"
STATUSES = [
    (PENDING, _("Waiting for the teacher")),
    (APPROVED, _("Approved")),
    (CHANGES, _("Changes asked")),
]

APPROVE = "approve"
COMMENT = "comment"
ASK_CHANGES = "changes"
DECISIONS = [
    (APPROVE, _("Approve")),
    (COMMENT, _("Comment only")),
    (ASK_CHANGES, _("Ask for changes")),
]


class Goal(models.Model):
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="goals"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    competencies = models.ManyToManyField(Competency, blank=True, related_name="+")
    target_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=STATUSES, default=PENDING)
    #: Who set it (the continuum report counts learner-set goals).
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return self.title


class Benchmark(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="benchmarks")
    description = models.CharField(max_length=300)
    due_on = models.DateField()
    success_looks_like = models.CharField(
        max_length=300, help_text=_("How you'll know you met it.")
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "due_on", "pk"]

    def __str__(self) -> str:
        return self.description


class GoalReview(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    decision = models.CharField(max_length=10, choices=DECISIONS)
    comment = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} by {self.reviewer_id} on goal {self.goal_id}"


class CheckIn(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="checkins")
    on = models.DateField()
    note = models.TextField(blank=True)
    progress = models.FloatField(validators=[MinValueValidator(0.0), MaxValueValidator(1.0)])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"Check-in on goal {self.goal_id}, {self.on}: {self.progress:.0%}"


SELF_RATED = "self"
FROM_MASTERY = "mastery"
CHECK_SOURCES = [
    (SELF_RATED, _("The learner's own rating")),
    (FROM_MASTERY, _("Mastery at the time")),
]


class BenchmarkCheck(models.Model):
    """A benchmark's progress at a check-in: the learner's own rating of a
    benchmark with no linked competency, or -- kept for the history chart --
    the mastery of a linked competency at that moment."""

    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="benchmark_checks")
    benchmark = models.ForeignKey(Benchmark, on_delete=models.CASCADE, related_name="checks")
    progress = models.FloatField(validators=[MinValueValidator(0.0), MaxValueValidator(1.0)])
    source = models.CharField(max_length=8, choices=CHECK_SOURCES, default=SELF_RATED)

    class Meta:
        ordering = ["checkin__on", "pk"]

    def __str__(self) -> str:
        return f"Benchmark {self.benchmark_id}: {self.progress:.0%}"

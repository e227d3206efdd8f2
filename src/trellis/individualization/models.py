"""Individual plans (objectives, accommodations, supports, versions and a
read log) and own-pace module sequences.

A plan is the record of one learner's individualization: the class's
objectives stay, the plan adds specific ones. Every save is kept as a
version with who changed it and why, and every read is logged, because a
plan is among the most sensitive records a school holds.
"""

from __future__ import annotations

import datetime as dt

import reversion
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from reversion.models import Revision

from trellis.curriculum.models import Competency, Resource
from trellis.evidence.models import Assessment
from trellis.individualization.constants import (
    ACCOMMODATIONS,
    DEFAULT_TIME_MULTIPLIER,
    DELETED_ACCOUNT,
    FIRST_VERSION_REASON,
    METHODS,
    ONE_ON_ONE,
    SMALL_GROUP,
    VIA_API,
    VIA_PAGE,
)
from trellis.people.models import School, SchoolClass, User

ACTIVE = "active"
CLOSED = "closed"
STATUSES = [(ACTIVE, _("Active")), (CLOSED, _("Closed"))]


# The plan's history is kept by django-reversion (decision 0014): a save
# records the plan and, through ``follow``, its objectives and supports in one
# revision. Measurements and sessions are recorded only when the objective or
# support they belong to is removed, so that the removal keeps them.
@reversion.register(follow=("objectives", "supports"))
class IndividualPlan(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="individual_plans"
    )
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True, help_text=_("Strengths and needs, in a few lines."))
    accommodations = models.JSONField(default=list, blank=True)
    time_multiplier = models.FloatField(default=DEFAULT_TIME_MULTIPLIER)
    review_dates = models.JSONField(default=list, blank=True, help_text=_("ISO dates."))
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    responsible_note = models.CharField(
        max_length=300, blank=True, help_text=_("Others involved, for example the aide.")
    )
    status = models.CharField(max_length=8, choices=STATUSES, default=ACTIVE)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at", "pk"]
        indexes = [models.Index(fields=["learner", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def accommodation_labels(self) -> list[str]:
        return [ACCOMMODATIONS.get(a, a) for a in self.accommodations]


@reversion.register()
class SpecificObjective(models.Model):
    plan = models.ForeignKey(IndividualPlan, on_delete=models.CASCADE, related_name="objectives")
    statement = models.TextField()
    competencies = models.ManyToManyField(Competency, related_name="+")
    method = models.CharField(max_length=24, choices=METHODS)
    unit = models.CharField(max_length=40, blank=True, help_text=_("For example words per minute."))
    baseline_value = models.FloatField()
    baseline_date = models.DateField()
    target_value = models.FloatField()
    target_date = models.DateField()
    rule_points = models.PositiveSmallIntegerField(default=4)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.statement[:80]


@reversion.register()
class Measurement(models.Model):
    """A data point the teacher enters for a teacher-measured objective."""

    objective = models.ForeignKey(
        SpecificObjective, on_delete=models.CASCADE, related_name="measurements"
    )
    on = models.DateField()
    value = models.FloatField()
    note = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.value:g} on {self.on}"


SUPPORT_KINDS = [(ONE_ON_ONE, _("One-on-one")), (SMALL_GROUP, _("Small group"))]


@reversion.register()
class Support(models.Model):
    """A planned support: sessions with an aide or specialist."""

    plan = models.ForeignKey(IndividualPlan, on_delete=models.CASCADE, related_name="supports")
    kind = models.CharField(max_length=12, choices=SUPPORT_KINDS)
    provider = models.CharField(max_length=150, help_text=_("For example Ms Diaz, reading aide."))
    focus = models.CharField(max_length=200, blank=True)
    planned_minutes_per_week = models.PositiveIntegerField()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} with {self.provider}"


@reversion.register()
class SupportSession(models.Model):
    support = models.ForeignKey(Support, on_delete=models.CASCADE, related_name="sessions")
    on = models.DateField()
    minutes = models.PositiveIntegerField()
    note = models.CharField(max_length=300, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.minutes} minutes on {self.on}"


REMOVED_OBJECTIVE = "objective"
REMOVED_SUPPORT = "support"


class IndividualPlanVersion(models.Model):
    """One save of a plan: a pointer from the plan to the django-reversion
    revision that holds it (decision 0014).

    The revision keeps the plan, its objectives and its supports as they were
    saved, with who saved them (``user``), when (``date_created``) and why
    (``comment``); this row numbers it within its plan (unique, so two saves
    cannot both be version 5), lets the plan's pages and the continuum report
    find a plan's revisions by foreign key, and names what the save took out
    of the plan (an objective or a support, kept in the same revision with
    its measurements or sessions). Deleting it deletes its revision
    (``signals``), so a plan erased with its learner leaves no history behind.
    """

    plan = models.ForeignKey(IndividualPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    revision = models.OneToOneField(Revision, on_delete=models.CASCADE, related_name="plan_version")
    #: What this save took out of the plan: ``REMOVED_OBJECTIVE`` or
    #: ``REMOVED_SUPPORT`` and its id (its last state is in the revision).
    removed_kind = models.CharField(max_length=10, blank=True)
    removed_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique")
        ]

    def __str__(self) -> str:
        return f"version {self.number} of plan {self.plan_id}"

    @property
    def at(self) -> dt.datetime:
        return self.revision.date_created

    @property
    def changed_by(self) -> User | None:
        return self.revision.user

    @property
    def changed_by_shown(self) -> str:
        """Who saved this version, as the history shows it: the library
        keeps the version when the account that saved it is deleted, and a
        reader is told so rather than shown "None"."""
        user = self.revision.user
        return str(user) if user is not None else gettext(DELETED_ACCOUNT)

    @property
    def reason(self) -> str:
        return self.revision.comment

    @property
    def reason_said(self) -> str:
        """The reason in the reader's language where Trellis wrote it (the
        first version's); a person's own reason as they wrote it."""
        reason = self.reason
        return gettext(reason) if reason == FIRST_VERSION_REASON else reason

    @cached_property
    def snapshot(self) -> dict:
        """The plan as this version saved it, read from the revision (the
        shape the API has always answered with)."""
        from trellis.individualization.history import revision_snapshot

        return revision_snapshot(self)


VIAS = [(VIA_PAGE, _("Page")), (VIA_API, _("API"))]


class PlanReadLog(models.Model):
    plan = models.ForeignKey(IndividualPlan, on_delete=models.CASCADE, related_name="reads")
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    via = models.CharField(max_length=4, choices=VIAS)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"read of plan {self.plan_id} by {self.reader_id} ({self.via})"


class SummativeReport(models.Model):
    """What the learner has and hasn't yet learned, per competency, from an
    OF-learning assessment; kept as a snapshot so it reads the same later."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    plan = models.ForeignKey(
        IndividualPlan, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="+")
    rows = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    shared_with_guardians_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"summative report {self.pk} for learner {self.learner_id}"


class ModuleSequence(models.Model):
    """An ordered set of modules for a class. The class's default sequence
    serves every learner unless a learner's pace names another."""

    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200)
    is_default = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


class Module(models.Model):
    sequence = models.ForeignKey(ModuleSequence, on_delete=models.CASCADE, related_name="modules")
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    competencies = models.ManyToManyField(Competency, related_name="+")
    resources = models.ManyToManyField(Resource, blank=True, related_name="+")
    practice = models.TextField(blank=True, help_text=_("What to practise, in a few lines."))
    mastery_check = models.ForeignKey(
        Assessment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    threshold = models.FloatField(default=0.8, help_text=_("Share correct needed to pass, 0 to 1."))

    class Meta:
        ordering = ["sequence", "position"]
        constraints = [
            models.UniqueConstraint(fields=["sequence", "position"], name="module_position_unique")
        ]

    def __str__(self) -> str:
        return self.title


class LearnerPace(models.Model):
    """Where one learner is in a class's modules."""

    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, related_name="+")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    sequence = models.ForeignKey(ModuleSequence, on_delete=models.CASCADE, related_name="paces")
    current_module = models.ForeignKey(
        Module, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)
    start_after = models.DateField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school_class", "learner"], name="pace_unique")
        ]

    def __str__(self) -> str:
        return f"pace of learner {self.learner_id} in class {self.school_class_id}"


class ModulePass(models.Model):
    """A mastery check passed: the record of moving on, kept for history."""

    pace = models.ForeignKey(LearnerPace, on_delete=models.CASCADE, related_name="passes")
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    passed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["passed_at", "pk"]

    def __str__(self) -> str:
        return f"module {self.module_id} passed at {self.score:g}"

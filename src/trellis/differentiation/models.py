"""Differentiation records: groupings of a class for a lesson, the group plan
(one objective, per-group content, process, product and affect), station
rotations, and what a teacher did about a live-lesson flag.

A saved grouping is history: it is never edited. Moving learners or
regrouping after a formative check saves a new grouping that points at the
one it came from (``based_on``) and shares its ``lineage`` (the id of the
first grouping in the chain), so the history of a class's groups can always
be replayed and "who moved and why" is stored on the membership.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from trellis.curriculum.models import Competency, Resource
from trellis.differentiation import words
from trellis.differentiation.constants import INTEREST, KINDS, MIXED, PROFILE, READINESS
from trellis.evidence.models import Assessment
from trellis.people.models import SchoolClass

KIND_SHORT = {
    READINESS: _("readiness"),
    MIXED: _("mixed readiness"),
    INTEREST: _("interest"),
    PROFILE: _("learning profile"),
}


class Grouping(models.Model):
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.CASCADE, related_name="groupings"
    )
    objective = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=KINDS, default=READINESS)
    #: What the teacher asked for: n_groups, min/max size, keep_apart, keep_together.
    constraints = models.JSONField(default=dict, blank=True)
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="revisions"
    )
    #: The id of the first grouping of this chain of revisions.
    lineage = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    note = models.CharField(max_length=300, blank=True)
    #: The features each learner was grouped on (learner id -> objective and
    #: prerequisite mastery, interests, profile), so that a regroup can say
    #: what changed for each learner who moved.
    features = models.JSONField(default=dict, blank=True)
    #: The engine's notes (constraints kept, learners placed outside their band).
    notes = models.JSONField(default=list, blank=True)
    #: Each note as a phrase (``trellis.engine.grouping.phrases``), said in the
    #: reader's language by ``notes_said``; empty for groupings saved before
    #: phrases were kept (their notes show as stored).
    note_phrases = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["school_class", "created_at"])]

    def __str__(self) -> str:
        return f"{self.school_class} · {self.objective.label} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def notes_said(self) -> list[str]:
        """The notes in the active language (the stored text for a note
        without a phrase)."""
        return words.notes_said(self.notes, self.note_phrases)

    @property
    def kind_short(self) -> str:
        return KIND_SHORT.get(self.kind, self.kind)


class Group(models.Model):
    """A group of one grouping. ``key`` is the group's identity across the
    versions of a grouping: a revision's group that continues an earlier
    group (the same group after a teacher moved learners or renamed it, or
    the group with most learners in common after a regroup) has the same
    key, so that the plan, the assessments assigned to the group and "who
    moved" follow the group, not its name."""

    grouping = models.ForeignKey(Grouping, on_delete=models.CASCADE, related_name="groups")
    key = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    label = models.CharField(max_length=100)
    explanation = models.TextField(blank=True)
    #: The engine's explanation as a phrase (``trellis.engine.grouping.phrases``),
    #: said in the reader's language by ``explanation_said``; null for a
    #: teacher's own words and for groups saved before phrases were kept.
    explanation_phrase = models.JSONField(null=True, blank=True, default=None)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["grouping", "label"], name="group_unique_label")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def explanation_said(self) -> str:
        """The explanation in the active language (the stored text when
        there is no phrase)."""
        return words.say(self.explanation_phrase, self.explanation)


class GroupMembership(models.Model):
    """A learner in a group; ``moved_from``/``reason`` say how they got there
    when the grouping is a revision of an earlier one."""

    grouping = models.ForeignKey(Grouping, on_delete=models.CASCADE, related_name="memberships")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    moved_from = models.CharField(max_length=100, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    #: ``reason`` as a phrase, said in the reader's language by ``reason_said``.
    reason_phrase = models.JSONField(null=True, blank=True, default=None)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["grouping", "learner"], name="membership_once_per_grouping"
            )
        ]
        indexes = [models.Index(fields=["learner", "grouping"])]

    def __str__(self) -> str:
        return f"{self.learner} in {self.group}"

    @property
    def reason_said(self) -> str:
        return words.say(self.reason_phrase, self.reason)


class GroupPlan(models.Model):
    """One objective for the whole class, and an entry per group."""

    grouping = models.OneToOneField(Grouping, on_delete=models.CASCADE, related_name="plan")
    objective = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]

    def __str__(self) -> str:
        return self.title or f"Plan for {self.grouping}"


class GroupPlanEntry(models.Model):
    """Tomlinson's four elements for one group."""

    plan = models.ForeignKey(GroupPlan, on_delete=models.CASCADE, related_name="entries")
    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="plan_entry")
    resources = models.ManyToManyField(Resource, blank=True, related_name="+")
    process = models.TextField(blank=True, help_text=_("The activity."))
    product = models.TextField(blank=True, help_text=_("How they show what they learned."))
    affect = models.TextField(blank=True, help_text=_("Support notes."))
    for_assessment = models.ForeignKey(
        Assessment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["group__position", "pk"]

    def __str__(self) -> str:
        return f"Plan for {self.group}"


class StationRotation(models.Model):
    """Stations and minutes per station; the schedule (which group is at which
    station in each time slot) is computed, never stored, so it cannot drift."""

    plan = models.OneToOneField(GroupPlan, on_delete=models.CASCADE, related_name="rotation")
    stations = models.JSONField(default=list)
    minutes_per_station = models.PositiveSmallIntegerField(default=15)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{len(self.stations)} stations, {self.minutes_per_station} minutes each"


FLAG_LABELS = {
    "stuck_errors": gettext_noop("Stuck"),
    "idle": gettext_noop("Idle"),
    "racing_ahead": gettext_noop("Racing ahead"),
}


class FlagAction(models.Model):
    """A teacher marked a live-lesson flag handled, and what they did."""

    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, related_name="+")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=20)
    competency = models.CharField(max_length=60, blank=True)
    note = models.TextField(blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["school_class", "at"])]

    def __str__(self) -> str:
        return f"{self.kind} flag on {self.learner} handled by {self.handled_by}"

    @property
    def kind_label(self) -> str:
        return gettext(FLAG_LABELS[self.kind]) if self.kind in FLAG_LABELS else self.kind

"""Choice in assessment: the teacher offers ways to show a competency; a
learner may propose their own instead. Every step is an event row, so the
history of a proposal (and who acted) is never lost."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from trellis.curriculum.models import Competency
from trellis.evidence.models import Assessment
from trellis.evidence.models import assessment as purposes
from trellis.people.models import SchoolClass

SUBMITTED = "submitted"
REVISION = "revision"
ACCEPTED = "accepted"
RETURNED = "returned"
#: Closed without a decision: the deadline passed, or the learner picked one
#: of the teacher's options instead (the reason is the closing event's comment).
CLOSED = "closed"
STATUSES = [
    (SUBMITTED, _("Waiting for the teacher")),
    (REVISION, _("Revision asked")),
    (ACCEPTED, _("Accepted")),
    (RETURNED, _("Sent back")),
    (CLOSED, _("Closed")),
]
#: Proposals still waiting on someone.
OPEN = (SUBMITTED, REVISION)
#: Event actions: each status change, plus the learner's revision.
REVISED = "revised"
ACTIONS = [
    (SUBMITTED, _("Proposed")),
    (REVISION, _("Revision asked")),
    (REVISED, _("Revised")),
    (ACCEPTED, _("Accepted")),
    (RETURNED, _("Sent back")),
    (CLOSED, _("Closed")),
]
#: What an accepted proposal becomes: AS learning (the default; feedback at
#: once, self-rating and reflection) or OF learning (counts toward a grade).
PURPOSES = [(purposes.AS_LEARNING, _("AS learning")), (purposes.OF_LEARNING, _("OF learning"))]


class AssessmentChoice(models.Model):
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.CASCADE, related_name="assessment_choices"
    )
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200)
    #: The teacher's ways to show mastery, two or more, in order.
    options = models.JSONField(default=list)
    deadline = models.DateTimeField(help_text=_("Proposals must be accepted by then."))
    #: The option (counting from 0) assigned to a learner who has neither an
    #: accepted proposal nor a pick when the deadline passes.
    default_option = models.PositiveSmallIntegerField(default=0)
    #: When the deadline rule ran (``choice_deadline_apply``); it runs once.
    deadline_applied_at = models.DateTimeField(null=True, blank=True)
    purpose = models.CharField(
        max_length=3,
        choices=PURPOSES,
        default=purposes.AS_LEARNING,
        help_text=_("The purpose of the assessment an accepted proposal becomes."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["deadline", "pk"]

    def __str__(self) -> str:
        return self.title


class Proposal(models.Model):
    choice = models.ForeignKey(AssessmentChoice, on_delete=models.CASCADE, related_name="proposals")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="proposals"
    )
    what = models.TextField(help_text=_("What you'll make or do."))
    how = models.TextField(help_text=_("How it shows the competency."))
    rubric = models.TextField(help_text=_("The rubric or criteria it should be judged against."))
    status = models.CharField(max_length=10, choices=STATUSES, default=SUBMITTED)
    version = models.PositiveSmallIntegerField(default=1)
    #: Set on acceptance: the learner's own assessment (one rubric task,
    #: assigned to them alone) where the teacher scores the work.
    assessment = models.ForeignKey(
        Assessment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "pk"]

    def __str__(self) -> str:
        return f"{self.learner}: {self.what[:40]}"


class ProposalEvent(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=10, choices=ACTIONS)
    comment = models.TextField(blank=True)
    #: What the proposal said at this step (what, how, rubric, version).
    snapshot = models.JSONField(default=dict)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} (proposal {self.proposal_id})"


class OptionPick(models.Model):
    """The learner's pick of one of the teacher's options."""

    choice = models.ForeignKey(AssessmentChoice, on_delete=models.CASCADE, related_name="picks")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    option = models.PositiveSmallIntegerField()
    #: True when the teacher's default was assigned at the deadline.
    by_default = models.BooleanField(default=False)
    #: The learner's own assessment for the option, where the teacher scores it.
    assessment = models.ForeignKey(
        Assessment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["choice", "learner"], name="option_pick_once")
        ]

    def __str__(self) -> str:
        return f"{self.learner_id} picked option {self.option + 1} of {self.choice_id}"

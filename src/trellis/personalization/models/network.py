"""The learner's network, help requests routed to it, and the in-app
notifications every personalization step sends."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from trellis.curriculum.models import Competency
from trellis.personalization.constants import EXPERT, MENTOR, PEER, TEACHER

KINDS = [
    (PEER, _("Peer")),
    (TEACHER, _("Teacher")),
    (MENTOR, _("Mentor")),
    (EXPERT, _("Outside expert")),
]
#: A member is invited until they accept; nothing of theirs is shown to the
#: learner, and nothing of the learner's to them, before that.
INVITED = "invited"
ACCEPTED = "accepted"
STATUSES = [(INVITED, _("Invited, not yet accepted")), (ACCEPTED, _("Accepted"))]


class NetworkMember(models.Model):
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="network"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="networks_joined"
    )
    kind = models.CharField(max_length=8, choices=KINDS)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=8, choices=STATUSES, default=INVITED)
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "member__username"]
        constraints = [
            models.UniqueConstraint(fields=["learner", "member"], name="network_member_once"),
            models.CheckConstraint(
                condition=~Q(learner=models.F("member")), name="network_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} in {self.learner_id}'s network ({self.kind})"


PENDING = "pending"
APPROVED = "approved"
DECLINED = "declined"
REQUEST_STATUSES = [
    (PENDING, _("Waiting for a teacher")),
    (APPROVED, _("Approved")),
    (DECLINED, _("Declined")),
]


class ExpertRequest(models.Model):
    """A learner asks for an outside expert; no account exists until one of
    their teachers approves, and the set-password link goes to that teacher."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expert_requests"
    )
    email = models.EmailField()
    display_name = models.CharField(max_length=150)
    reason = models.TextField(blank=True)
    status = models.CharField(max_length=8, choices=REQUEST_STATUSES, default=PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.display_name} for {self.learner_id} ({self.status})"


class HelpRequest(models.Model):
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="help_requests"
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    message = models.TextField()
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="help_requests_received"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    #: Set when the learner says they got the help they needed.
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Help request by {self.learner_id}: {self.message[:40]}"

    @property
    def resolved(self) -> bool:
        return self.resolved_at is not None


class HelpReply(models.Model):
    """One message in a help request's thread (a helper's answer, or the
    learner's follow-up). The learner may thank a helper for a reply."""

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="help_replies"
    )
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    thanked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Reply by {self.author_id} to help request {self.request_id}"


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.text

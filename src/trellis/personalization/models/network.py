"""The learner's network, help requests routed to it, and the in-app
notifications every personalization step sends."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from trellis.curriculum.models import Competency

PEER = "peer"
TEACHER = "teacher"
MENTOR = "mentor"
EXPERT = "expert"
KINDS = [(PEER, "Peer"), (TEACHER, "Teacher"), (MENTOR, "Mentor"), (EXPERT, "Outside expert")]


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

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Help request by {self.learner_id}: {self.message[:40]}"


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

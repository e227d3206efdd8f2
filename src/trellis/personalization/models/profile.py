"""The learner profile: written by the learner only; teachers add comments
beside it instead of editing it, so the learner's words stay theirs."""

from __future__ import annotations

from django.conf import settings
from django.db import models

#: Ways to take in information; the same vocabulary as resource formats so
#: that the recommender can match them.
TAKE_IN_CHOICES = [
    ("video", "Watching (video)"),
    ("reading", "Reading"),
    ("interactive", "Trying things on screen (interactive)"),
    ("hands-on", "Doing and making (hands-on)"),
    ("audio", "Listening (audio)"),
    ("project", "Working on a project"),
]
EXPRESS_CHOICES = [
    ("writing", "Writing"),
    ("speaking", "Speaking or presenting"),
    ("making", "Making or building something"),
    ("drawing", "Drawing or diagrams"),
    ("video", "Recording a video"),
    ("test", "A quiz or test"),
]
ENGAGE_CHOICES = [
    ("alone", "On my own"),
    ("pairs", "With a partner"),
    ("group", "In a small group"),
    ("teacher", "With the teacher nearby"),
]


class LearnerProfile(models.Model):
    learner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learner_profile"
    )
    strengths = models.TextField(blank=True)
    needs = models.TextField(blank=True)
    interests = models.TextField(blank=True)
    interest_tags = models.JSONField(default=list, blank=True)
    talents = models.TextField(blank=True)
    passions = models.TextField(blank=True)
    aspirations = models.TextField(blank=True)
    take_in = models.JSONField(default=list, blank=True)
    express = models.JSONField(default=list, blank=True)
    engage = models.JSONField(default=list, blank=True)
    accessibility_needs = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Profile of {self.learner}"


class ProfileComment(models.Model):
    profile = models.ForeignKey(LearnerProfile, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Comment by {self.author_id}: {self.text[:40]}"

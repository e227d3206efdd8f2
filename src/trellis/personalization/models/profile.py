"""The learner profile: written by the learner only; teachers add comments
beside it instead of editing it, so the learner's words stay theirs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

#: Ways to take in information; the same vocabulary as resource formats so
#: that the recommender can match them.
TAKE_IN_CHOICES = [
    ("video", _("Watching (video)")),
    ("reading", _("Reading")),
    ("interactive", _("Trying things on screen (interactive)")),
    ("hands-on", _("Doing and making (hands-on)")),
    ("audio", _("Listening (audio)")),
    ("project", _("Working on a project")),
]
EXPRESS_CHOICES = [
    ("writing", _("Writing")),
    ("speaking", _("Speaking or presenting")),
    ("making", _("Making or building something")),
    ("drawing", _("Drawing or diagrams")),
    ("video", _("Recording a video")),
    ("test", _("A quiz or test")),
]
ENGAGE_CHOICES = [
    ("alone", _("On my own")),
    ("pairs", _("With a partner")),
    ("group", _("In a small group")),
    ("teacher", _("With the teacher nearby")),
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

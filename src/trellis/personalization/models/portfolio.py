"""Portfolio entries the learner curates, with who may see each one."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from trellis.curriculum.models import Competency
from trellis.evidence.models import Response

NOTE = "note"
LINK = "link"
FILE = "file"
WORK = "work"
KINDS = [
    (WORK, _("Scored work")),
    (FILE, _("File")),
    (LINK, _("Link")),
    (NOTE, _("Reflection or note")),
]


def upload_to(entry: PortfolioEntry, filename: str) -> str:
    """A path that does not reuse the uploaded name (names are untrusted)."""
    import uuid

    ext = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg", "text/plain": "txt"}
    return f"portfolio/{entry.learner_id}/{uuid.uuid4().hex}.{ext.get(entry.content_type, 'bin')}"


class PortfolioEntry(models.Model):
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portfolio"
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=5, choices=KINDS)
    title = models.CharField(max_length=200)
    note = models.TextField(blank=True)
    url = models.URLField(blank=True, max_length=500)
    response = models.ForeignKey(
        Response, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    file = models.FileField(upload_to=upload_to, blank=True)
    content_type = models.CharField(max_length=40, blank=True)
    original_name = models.CharField(max_length=200, blank=True)
    share_guardians = models.BooleanField(default=False)
    share_class = models.BooleanField(default=False)
    share_network = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class PortfolioFeedback(models.Model):
    """A network member's feedback on an entry the learner shared with the
    network; seen by the learner, the author and the learner's teachers."""

    entry = models.ForeignKey(PortfolioEntry, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portfolio_feedback"
    )
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Feedback by {self.author_id} on entry {self.entry_id}"

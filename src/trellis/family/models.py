"""A guardian's choice about the weekly digest (on unless turned off)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class DigestPreference(models.Model):
    guardian = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_preference"
    )
    weekly_digest = models.BooleanField(default=True)
    language = models.CharField(
        max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    last_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        state = "on" if self.weekly_digest else "off"
        return f"weekly digest {state} for {self.guardian}"

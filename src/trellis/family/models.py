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


class DigestSent(models.Model):
    """One guardian's digest for one week (the week's Monday): the unique row
    that makes sending idempotent, even when two workers try at once."""

    guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests_sent"
    )
    week = models.DateField()
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-week"]
        constraints = [
            models.UniqueConstraint(
                fields=["guardian", "week"], name="one_digest_per_guardian_week"
            )
        ]

    def __str__(self) -> str:
        return f"digest for {self.guardian} in the week of {self.week}"

"""Learning resources a teacher curates, tagged so that differentiation and
personalization can match them to a learner's readiness, interests and needs."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from trellis.curriculum.kinds import ACCESSIBILITY_FEATURES, FORMATS
from trellis.curriculum.models.framework import Competency
from trellis.people.models import School

VIDEO_NEEDS_URL = _("A video resource needs a link to the video.")
UNKNOWN_FEATURE = _("Unknown accessibility feature {value!r}; use one of: {choices}.")


class Resource(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="resources")
    title = models.CharField(max_length=200)
    format = models.CharField(max_length=20, choices=FORMATS)
    url = models.URLField(blank=True, max_length=500)
    description = models.TextField(blank=True)
    readiness_level = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 (introductory) to 5 (stretch)."),
    )
    interest_tags = models.JSONField(default=list, blank=True)
    accessibility_features = models.JSONField(default=list, blank=True)
    competencies = models.ManyToManyField(Competency, related_name="resources")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.format == "video" and not self.url:
            raise ValidationError({"url": VIDEO_NEEDS_URL})
        known = {k for k, _ in ACCESSIBILITY_FEATURES}
        for value in self.accessibility_features or []:
            if value not in known:
                raise ValidationError(
                    {
                        "accessibility_features": UNKNOWN_FEATURE.format(
                            value=value, choices=", ".join(sorted(known))
                        )
                    }
                )
        self.interest_tags = sorted(
            {t.strip().lower() for t in self.interest_tags or [] if t.strip()}
        )

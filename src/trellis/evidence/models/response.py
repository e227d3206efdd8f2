"""Evidence: responses and rubric scores. Append-only — a record is never
edited in place; a correction is a new record pointing at the one it
corrects (``corrects``), and the newest in a chain is the one that counts.

Every submission carries an idempotency key (a form token or an
``Idempotency-Key`` header), unique per learner, so that a double click or a
retry after a network error records the answer once.
"""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trellis.curriculum.models import Item
from trellis.evidence.constants import (  # noqa: F401 (re-exported)
    SCORE_KINDS,
    SCORE_SELF,
    SCORE_TEACHER,
    SOURCE_ASSESSMENT,
    SOURCE_IMPORT,
    SOURCE_PRACTICE,
    SOURCE_SIMULATED,
    SOURCES,
    TRIGGER,
)
from trellis.evidence.models.assessment import Attempt
from trellis.people.models import School

APPEND_ONLY = _("Evidence is append-only: record a correction instead of editing {what}.")


def append_only_trigger() -> pgtrigger.Protect:
    return pgtrigger.Protect(name=TRIGGER, operation=pgtrigger.Update | pgtrigger.Delete)


class AppendOnly(models.Model):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise RuntimeError(APPEND_ONLY.format(what=self._meta.verbose_name))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError(APPEND_ONLY.format(what=self._meta.verbose_name))


class Response(AppendOnly):
    """A learner's answer to an item, with its automatic score (if any) and
    the time the learner spent on the item."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="responses"
    )
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="responses")
    attempt = models.ForeignKey(
        Attempt, on_delete=models.CASCADE, null=True, blank=True, related_name="responses"
    )
    source = models.CharField(max_length=12, choices=SOURCES, default=SOURCE_ASSESSMENT)
    answer = models.TextField(blank=True)
    correct = models.BooleanField(null=True)
    score = models.FloatField(null=True, blank=True, help_text=_("0 to 1."))
    time_on_item_ms = models.PositiveIntegerField(default=0)
    idempotency_key = models.CharField(max_length=64)
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, db_index=True)
    #: When the learner gave the answer, by the device's clock, bounded by the
    #: server (docs/offline.md); empty when it was recorded as it was given.
    answered_at = models.DateTimeField(null=True, blank=True)
    #: Sent from the device's queue after it had been offline.
    offline = models.BooleanField(default=False)

    class Meta:
        ordering = ["recorded_at", "pk"]
        triggers = [append_only_trigger()]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "idempotency_key"], name="response_idempotent"
            ),
            models.UniqueConstraint(
                fields=["attempt", "item"],
                condition=Q(corrects__isnull=True, attempt__isnull=False),
                name="response_once_per_attempt_item",
            ),
        ]
        indexes = [models.Index(fields=["learner", "recorded_at"])]

    def __str__(self) -> str:
        return f"{self.learner} → item {self.item_id}"

    @property
    def current_rubric_score(self) -> RubricScore | None:
        """The teacher's newest score, else the learner's newest self-rating
        (uses prefetched ``rubric_scores`` when present)."""
        scores = list(self.rubric_scores.all())
        corrected = {s.corrects_id for s in scores if s.corrects_id}
        current = [s for s in scores if s.pk not in corrected]
        teacher = [s for s in current if s.kind == SCORE_TEACHER]
        chosen = teacher or current
        return chosen[-1] if chosen else None


#: The order evidence counts in: when the answer was given (an answer sent
#: late from an offline device counts at the time it was given), then id.
ANSWER_ORDER = (Coalesce("answered_at", "recorded_at").asc(), "pk")


class RefusedAnswer(models.Model):
    """An answer sent from a device's offline queue that the server refused
    (the assessment closed, the time limit had passed when it was given, …),
    kept with the reason so that the teacher sees it and nothing the learner
    did is silently lost. Not evidence: it never changes mastery."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="refused_answers"
    )
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="+")
    attempt = models.ForeignKey(
        Attempt, on_delete=models.CASCADE, null=True, blank=True, related_name="refused_answers"
    )
    answer = models.TextField(blank=True)
    idempotency_key = models.CharField(max_length=64)
    answered_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    #: The refusal in English (the message's id in the translation catalogue).
    reason = models.TextField()

    class Meta:
        ordering = ["received_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "idempotency_key"], name="refused_answer_idempotent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner} → item {self.item_id} (refused)"


class RubricScore(AppendOnly):
    """A rubric score of a performance-task response: by the teacher, or the
    learner's self-rating kept beside it (assessment AS learning)."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="rubric_scores")
    kind = models.CharField(max_length=8, choices=SCORE_KINDS)
    points = models.JSONField(help_text=_("One level per rubric criterion."))
    total = models.PositiveSmallIntegerField()
    maximum = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    idempotency_key = models.CharField(max_length=64)
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "pk"]
        triggers = [append_only_trigger()]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "kind", "idempotency_key"], name="rubric_score_idempotent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.total}/{self.maximum}"

    @property
    def fraction(self) -> float:
        return self.total / self.maximum if self.maximum else 0.0


#: The extension a product is stored under, by its sniffed content type.
PRODUCT_EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}


def product_upload_to(product: ResponseProduct, filename: str) -> str:
    """A random name under the school's folder: the uploaded name is
    untrusted and never reused, and the path cannot be guessed."""
    import secrets

    extension = PRODUCT_EXTENSIONS.get(product.content_type, "bin")
    return f"products/{product.school_id}/{secrets.token_hex(16)}.{extension}"


class ResponseProduct(models.Model):
    """The file a learner attached to a performance task's answer (a
    sketch, a photo of a model, a PDF). Served only through
    ``response-product``, which checks who is asking; never a public URL."""

    response = models.OneToOneField(Response, on_delete=models.CASCADE, related_name="product")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(upload_to=product_upload_to)
    content_type = models.CharField(max_length=40)
    original_name = models.CharField(max_length=200, blank=True)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Product of response {self.response_id}"

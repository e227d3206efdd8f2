"""Frameworks and competencies, shaped after 1EdTech CASE 1.0 so that an
import and an export lose nothing: a framework is a CFDocument, a competency
a CFItem, a link a CFAssociation.

A framework belongs to one school (``school`` set) or is global (``school``
empty). Global frameworks are readable by every signed-in person and managed
by site operators only; a school's framework is readable by the people of
that school and managed by its admins. That keeps one school's local
standards out of another's lists while letting a national framework be
imported once.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from trellis.people.models import School


def _new_identifier() -> str:
    return str(uuid.uuid4())


class Framework(models.Model):
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="frameworks"
    )
    identifier = models.CharField(max_length=100, default=_new_identifier)
    uri = models.CharField(max_length=500, blank=True)
    title = models.CharField(max_length=300)
    creator = models.CharField(max_length=300, blank=True)
    subject = models.CharField(max_length=100, blank=True)
    description = models.TextField(blank=True)
    version = models.CharField(max_length=50, blank=True)
    adoption_status = models.CharField(max_length=50, blank=True)
    language = models.CharField(max_length=20, blank=True)
    last_change = models.DateTimeField(null=True, blank=True)
    #: CASE fields Trellis does not use, kept so that an export returns them.
    extra = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "identifier"], name="framework_unique_identifier"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Competency(models.Model):
    """One thing a learner can know or do (a CASE CFItem)."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="competencies")
    identifier = models.CharField(max_length=100, default=_new_identifier)
    uri = models.CharField(max_length=500, blank=True)
    code = models.CharField(max_length=60, blank=True, help_text=_("For example 6.RP.1."))
    statement = models.TextField()
    subject = models.CharField(max_length=100, blank=True)
    grade_band = models.CharField(max_length=40, blank=True, help_text=_("For example 6 or 6-7."))
    item_type = models.CharField(max_length=60, blank=True, help_text=_("CASE CFItemType."))
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    position = models.PositiveIntegerField(default=0)
    last_change = models.DateTimeField(null=True, blank=True)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["framework", "position", "code"]
        verbose_name_plural = "competencies"
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "identifier"], name="competency_unique_identifier"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.statement}" if self.code else self.statement

    @property
    def label(self) -> str:
        return self.code or self.statement[:40]


class CompetencyLink(models.Model):
    """A typed link between two competencies (a CASE CFAssociation other than
    the hierarchy). ``precedes`` means origin comes before destination: the
    origin is a prerequisite of the destination. Those links form a DAG."""

    PRECEDES = "precedes"
    PEER = "isPeerOf"
    RELATED = "isRelatedTo"
    KINDS = [(PRECEDES, _("precedes")), (PEER, _("is peer of")), (RELATED, _("is related to"))]

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="links")
    identifier = models.CharField(max_length=100, default=_new_identifier)
    kind = models.CharField(max_length=20, choices=KINDS)
    origin = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="links_out")
    destination = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="links_in")
    last_change = models.DateTimeField(null=True, blank=True)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "identifier"], name="link_unique_identifier"
            ),
            models.CheckConstraint(
                condition=~models.Q(origin=models.F("destination")), name="link_not_self"
            ),
        ]
        indexes = [models.Index(fields=["framework", "kind"])]

    def __str__(self) -> str:
        return f"{self.origin.label} {self.kind} {self.destination.label}"

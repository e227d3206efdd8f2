"""What Trellis remembers about records that came from (or went to) another
system. The people models stay free of foreign identifiers: a OneRoster
``sourcedId`` lives here, beside the row it arrived in, so that the next
day's file updates the same school, class or person in place and an export
gives back every column it was given."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from trellis.people.models import School, SchoolClass, Term


class SourcedRecord(models.Model):
    """One OneRoster record (a row of one of the CSV files), by ``sourcedId``.

    Records are never deleted: a record the source marks ``tobedeleted`` (or
    leaves out of a bulk file) keeps its row here with that status, and the
    Trellis objects it maps to are deactivated, not removed."""

    ORG = "org"
    ACADEMIC_SESSION = "academicSession"
    COURSE = "course"
    CLASS = "class"
    USER = "user"
    ROLE = "role"
    ENROLLMENT = "enrollment"
    KINDS = [
        (ORG, "Org"),
        (ACADEMIC_SESSION, "Academic session"),
        (COURSE, "Course"),
        (CLASS, "Class"),
        (USER, "User"),
        (ROLE, "Role"),
        (ENROLLMENT, "Enrollment"),
    ]
    ACTIVE = "active"
    TOBEDELETED = "tobedeleted"
    STATUSES = [(ACTIVE, "Active"), (TOBEDELETED, "To be deleted")]

    kind = models.CharField(max_length=20, choices=KINDS)
    sourced_id = models.CharField(max_length=255)
    status = models.CharField(max_length=12, choices=STATUSES, default=ACTIVE)
    date_last_modified = models.DateTimeField(null=True, blank=True)
    #: The row as it was read (every column, extension columns included),
    #: so that an export reproduces it.
    data = models.JSONField(default=dict)
    school = models.ForeignKey(
        School, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "sourced_id"], name="sourced_record_unique")
        ]
        indexes = [models.Index(fields=["kind", "status"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.sourced_id} ({self.status})"


class SourcedTerm(models.Model):
    """The Trellis term made for one academic session at one school.

    OneRoster sessions are district-wide while a Trellis term belongs to one
    school, so a session used by classes of three schools becomes three terms."""

    record = models.ForeignKey(SourcedRecord, on_delete=models.CASCADE, related_name="terms")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record", "school"], name="sourced_term_unique")
        ]

    def __str__(self) -> str:
        return f"{self.record.sourced_id} at school {self.school_id}"


class RosterImport(models.Model):
    """One applied import: who, when, which file and what changed."""

    created_at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    filename = models.CharField(max_length=255, blank=True)
    summary = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"OneRoster import {self.filename} at {self.created_at:%Y-%m-%d %H:%M}"

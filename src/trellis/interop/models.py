"""What Trellis remembers about records that came from (or went to) another
system. The people models stay free of foreign identifiers: a OneRoster
``sourcedId`` lives here, beside the row it arrived in, so that the next
day's file updates the same school, class or person in place and an export
gives back every column it was given."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

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
        (ORG, _("Org")),
        (ACADEMIC_SESSION, _("Academic session")),
        (COURSE, _("Course")),
        (CLASS, _("Class")),
        (USER, _("User")),
        (ROLE, _("Role")),
        (ENROLLMENT, _("Enrollment")),
    ]
    ACTIVE = "active"
    TOBEDELETED = "tobedeleted"
    STATUSES = [(ACTIVE, _("Active")), (TOBEDELETED, _("To be deleted"))]

    kind = models.CharField(max_length=20, choices=KINDS)
    sourced_id = models.CharField(max_length=255)
    status = models.CharField(max_length=12, choices=STATUSES, default=ACTIVE)
    #: The system the record came from: the ``source.systemCode`` (else
    #: ``source.systemName``) of the manifest of the file that first brought
    #: it, ``"trellis"`` for records an export claimed, blank when the file
    #: named no source. Only a file from the same source changes or
    #: deactivates the record.
    source = models.CharField(max_length=100, blank=True, default="")
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


class XapiCredential(models.Model):
    """A key and secret an admin issues to one outside tool of one school.

    The secret is random (32 bytes) and stored only as its SHA-256: a slow
    password hash would guard a guessable secret, but here it would cap how
    many statements a second a tool can send, for no gain."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100)
    key = models.CharField(max_length=64, unique=True)
    secret_hash = models.CharField(max_length=64)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="xapi_credential_unique_name")
        ]

    def __str__(self) -> str:
        return f"xAPI tool {self.name} ({self.school_id})"


class XapiStatement(models.Model):
    """One statement an outside tool sent, kept as it arrived.

    ``response`` is the evidence it became (when its activity is a Trellis
    item or competency and its actor a learner of the school); otherwise it
    is shown as external activity. Unique on (school, statement id): the
    same id twice is stored once."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    credential = models.ForeignKey(
        XapiCredential, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    statement_id = models.UUIDField()
    content_hash = models.CharField(max_length=64)
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="xapi_statements",
    )
    verb_id = models.CharField(max_length=500)
    activity_id = models.CharField(max_length=1000)
    data = models.JSONField()
    response = models.ForeignKey(
        "evidence.Response", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=200, blank=True)
    stored_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["stored_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["school", "statement_id"], name="xapi_statement_once")
        ]
        indexes = [models.Index(fields=["learner", "stored_at"])]

    def __str__(self) -> str:
        return f"statement {self.statement_id}"


class XapiOutbox(models.Model):
    """A statement Trellis emits, waiting to be sent to the configured LRS
    by ``trellis send-xapi`` (so a learner's page never waits on it)."""

    PENDING = "pending"
    #: Claimed by a sender, which is posting it with no lock held; the claim
    #: lapses at ``next_try_at`` (a sender that died leaves it to the next one).
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    STATUSES = [
        (PENDING, _("Pending")),
        (SENDING, _("Sending")),
        (SENT, _("Sent")),
        (FAILED, _("Failed")),
    ]

    statement_id = models.UUIDField(unique=True)
    data = models.JSONField()
    status = models.CharField(max_length=8, choices=STATUSES, default=PENDING)
    tries = models.PositiveIntegerField(default=0)
    next_try_at = models.DateTimeField(db_index=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["next_try_at", "pk"]

    def __str__(self) -> str:
        return f"outbox {self.statement_id} ({self.status})"


class XapiProxyItem(models.Model):
    """The hidden item through which statements about a competency (not about
    one of Trellis's items) are recorded as evidence: an inactive numeric item
    whose answer is 1, answered ``1`` for success and ``0`` otherwise, so
    that such evidence goes through ``response_record`` like any other and
    mastery can be replayed from it."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    competency = models.ForeignKey(
        "curriculum.Competency", on_delete=models.CASCADE, related_name="+"
    )
    item = models.OneToOneField("curriculum.Item", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "competency"], name="xapi_proxy_unique")
        ]

    def __str__(self) -> str:
        return f"xAPI proxy item for competency {self.competency_id}"


class LearnerErasure(models.Model):
    """That a learner's personal data was erased, by whose request and what
    went: the account row stays (anonymised) so aggregates keep their rows."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    erased_at = models.DateTimeField()
    removed = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"erasure of learner {self.learner_id}"

"""Registrations of LMS platforms, the tool's own signing keys, and what
launches leave behind: accounts linked by the platform's ``sub``, contexts
(LMS courses) tied to classes, links placed by deep linking, used nonces and
the scores sent back."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from trellis.people.models import School, SchoolClass

KIND_ASSESSMENT = "assessment"
KIND_PRACTICE = "practice"
KIND_MODULES = "modules"
KINDS = [
    (KIND_ASSESSMENT, "Assessment"),
    (KIND_PRACTICE, "Practice"),
    (KIND_MODULES, "Own-pace modules"),
]


class ToolKey(models.Model):
    """An RSA key pair Trellis signs its messages with (deep-linking
    responses, service token requests). One installation has one current key;
    a rotated-out key stays in the published JWKS until ``retired_at`` plus
    the grace period, so platforms that cached it keep verifying."""

    kid = models.CharField(max_length=64, unique=True)
    private_pem = models.TextField()
    public_pem = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.kid


class Platform(models.Model):
    """An LMS registered by a school's admin: what Trellis needs to check its
    launches and to call its services."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="lti_platforms")
    name = models.CharField(max_length=200)
    issuer = models.CharField(max_length=255)
    client_id = models.CharField(max_length=255)
    deployment_ids = models.JSONField(default=list)
    auth_login_url = models.URLField(max_length=500)
    auth_token_url = models.URLField(max_length=500)
    key_set_url = models.URLField(max_length=500)
    #: Launches of people Trellis does not know create their account and
    #: place them in the launching course's class.
    create_accounts = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "client_id"], name="lti_platform_unique")
        ]

    def __str__(self) -> str:
        return self.name


class LinkedAccount(models.Model):
    """A platform user (``sub``) linked to a Trellis account at the first
    launch; later launches go by this link alone."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="accounts")
    sub = models.CharField(max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lti_accounts"
    )
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["platform", "sub"], name="lti_account_unique")
        ]

    def __str__(self) -> str:
        return f"{self.sub} at {self.platform}"


class Context(models.Model):
    """An LMS course (LTI context) and the Trellis class it stands for."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="contexts")
    context_id = models.CharField(max_length=255)
    title = models.CharField(max_length=255, blank=True)
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    #: The Names and Role Provisioning Services URL from the latest launch.
    memberships_url = models.URLField(max_length=500, blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["platform", "context_id"], name="lti_context_unique")
        ]

    def __str__(self) -> str:
        return self.title or self.context_id


class Placement(models.Model):
    """What a teacher picked while deep linking: a Trellis assessment,
    practice on a competency, or the class's own-pace modules. Its ``key``
    travels in the link's custom parameters and comes back at each launch."""

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="placements")
    context = models.ForeignKey(Context, on_delete=models.CASCADE, related_name="placements")
    kind = models.CharField(max_length=12, choices=KINDS)
    target_id = models.PositiveBigIntegerField()
    title = models.CharField(max_length=255)
    #: FOR-learning scores go back too (OF-learning scores always do).
    send_for_scores = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.title


class ResourceLink(models.Model):
    """A link in the LMS (``resource_link.id``) as launched, with the line
    item its scores go to."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="links")
    resource_link_id = models.CharField(max_length=255)
    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="links")
    lineitem_url = models.URLField(max_length=500, blank=True)
    scopes = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "resource_link_id"], name="lti_resource_link_unique"
            )
        ]

    def __str__(self) -> str:
        return self.resource_link_id


class UsedNonce(models.Model):
    """A launch's nonce, kept so that the same id token is never accepted twice."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="+")
    nonce = models.CharField(max_length=255)
    used_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["platform", "nonce"], name="lti_nonce_unique")
        ]

    def __str__(self) -> str:
        return self.nonce


class LaunchState(models.Model):
    """pylti1p3's launch data (state, nonce, launch) between the login
    initiation and the launch, in the database so that every web process
    sees it."""

    key = models.CharField(max_length=255, unique=True)
    value = models.JSONField()
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.key


SCORE_PENDING = "pending"
SCORE_SENT = "sent"
SCORE_FAILED = "failed"
SCORE_STATUSES = [(SCORE_PENDING, "Pending"), (SCORE_SENT, "Sent"), (SCORE_FAILED, "Failed")]


class ScoreSent(models.Model):
    """One score for one learner on one link, as sent (or to be sent) to the
    LMS. ``fingerprint`` is the payload without its timestamp: the same
    score is never sent twice."""

    link = models.ForeignKey(ResourceLink, on_delete=models.CASCADE, related_name="scores")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    fingerprint = models.CharField(max_length=64)
    payload = models.JSONField()
    status = models.CharField(max_length=8, choices=SCORE_STATUSES, default=SCORE_PENDING)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["link", "learner", "fingerprint"], name="lti_score_unique"
            )
        ]

    def __str__(self) -> str:
        return f"score for learner {self.learner_id} on link {self.link_id} ({self.status})"

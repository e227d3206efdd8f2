"""Writing the learner profile (the learner only) and teachers' comments."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from trellis.curriculum.kinds import ACCESSIBILITY_FEATURES
from trellis.personalization.models import LearnerProfile, ProfileComment
from trellis.personalization.models.profile import ENGAGE_CHOICES, EXPRESS_CHOICES, TAKE_IN_CHOICES
from trellis.personalization.services.notify import notification_send

if TYPE_CHECKING:
    from trellis.people.models import User

UNKNOWN_CHOICE = _("Unknown value {value!r} for {field}; use one of: {choices}.")
EMPTY_COMMENT = _("Write a comment before sending it.")
TEXT_FIELDS = ("strengths", "needs", "interests", "talents", "passions", "aspirations")
LIST_FIELDS = {
    "take_in": TAKE_IN_CHOICES,
    "express": EXPRESS_CHOICES,
    "engage": ENGAGE_CHOICES,
    "accessibility_needs": ACCESSIBILITY_FEATURES,
}


def profile_of(learner: User) -> LearnerProfile:
    """The learner's profile, unsaved and empty if they have not written one."""
    return LearnerProfile.objects.filter(learner=learner).first() or LearnerProfile(learner=learner)


@transaction.atomic
def profile_update(*, learner: User, **fields: object) -> LearnerProfile:
    """Save the fields given; unknown choice values are refused by name."""
    profile = profile_of(learner)
    for name in TEXT_FIELDS:
        if name in fields:
            setattr(profile, name, str(fields[name] or "").strip())
    if "interest_tags" in fields:
        tags = fields["interest_tags"] or []
        if isinstance(tags, str):
            tags = tags.split(",")
        profile.interest_tags = sorted({str(t).strip().lower() for t in tags if str(t).strip()})
    for name, choices in LIST_FIELDS.items():
        if name not in fields:
            continue
        values = list(fields[name] or [])
        known = [k for k, _label in choices]
        for value in values:
            if value not in known:
                raise ValidationError(
                    {name: UNKNOWN_CHOICE.format(value=value, field=name, choices=", ".join(known))}
                )
        setattr(profile, name, [k for k in known if k in values])
    profile.full_clean()
    profile.save()
    return profile


@transaction.atomic
def profile_comment_add(*, profile: LearnerProfile, author: User, text: str) -> ProfileComment:
    if not text.strip():
        raise ValidationError({"text": EMPTY_COMMENT})
    if profile.pk is None:
        profile.save()
    comment = ProfileComment(profile=profile, author=author, text=text.strip())
    comment.full_clean()
    comment.save()
    notification_send(
        recipients=[profile.learner],
        text=_("%(author)s commented on your profile."),
        params={"author": author},
        url=reverse("personalization:profile"),
    )
    return comment

"""Changing a guardian's digest preference."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from trellis.family.models import DigestPreference

if TYPE_CHECKING:
    from trellis.people.models import User

UNKNOWN_LANGUAGE = _("Unknown language {value!r}; choose one of {choices}.")


@transaction.atomic
def digest_preference_set(
    *, guardian: User, weekly_digest: bool, language: str | None = None
) -> DigestPreference:
    pref, _created = DigestPreference.objects.get_or_create(guardian=guardian)
    pref.weekly_digest = weekly_digest
    if language is not None:
        codes = [code for code, _name in settings.LANGUAGES]
        if language not in codes:
            raise ValidationError(
                {"language": UNKNOWN_LANGUAGE.format(value=language, choices=", ".join(codes))}
            )
        pref.language = language
    pref.full_clean()
    pref.save()
    return pref

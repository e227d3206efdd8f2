"""Helpers the personalization endpoints share."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from trellis.personalization.access import ONLY_THE_LEARNER


def _learner_only(user) -> None:
    if not user.has_perm("personalization.write_personal", user):
        raise PermissionDenied(ONLY_THE_LEARNER)

"""Fetching LTI records on someone's behalf: 404 for what they have no
reason to see, 403 for what they may see but not change."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from trellis.lti.models import Platform
from trellis.people.access import FORBIDDEN, NOT_FOUND, NotVisible, access_class, access_school

if TYPE_CHECKING:
    from trellis.people.models import School, SchoolClass, User


def access_platform_school(user: User, school_id: object) -> School:
    """A school whose LMS registrations ``user`` may manage (404 otherwise)."""
    school = access_school(user, school_id)
    if not user.has_perm("lti.manage_platforms", school):
        raise NotVisible(NOT_FOUND)
    return school


def access_platform(user: User, platform_id: object) -> Platform:
    try:
        platform = Platform.objects.select_related("school").get(pk=int(platform_id))  # type: ignore[arg-type]
    except (Platform.DoesNotExist, TypeError, ValueError):
        raise NotVisible(NOT_FOUND) from None
    if not user.has_perm("lti.manage_platforms", platform.school):
        raise NotVisible(NOT_FOUND)
    return platform


def access_roster_sync(user: User, class_id: object) -> SchoolClass:
    school_class = access_class(user, class_id)
    if not user.has_perm("lti.sync_roster", school_class):
        raise PermissionDenied(FORBIDDEN)
    return school_class


def check_key_rotation(user: User) -> None:
    if not user.has_perm("lti.rotate_key"):
        raise PermissionDenied(FORBIDDEN)

"""Fetching what an export or an erasure is about, on someone's behalf:
404 for what they have no reason to see, 403 for what they may see but not
export."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from trellis.curriculum.access import access_framework
from trellis.interop.models import XapiCredential
from trellis.people.access import (
    FORBIDDEN,
    NOT_FOUND,
    NotVisible,
    access_class,
    access_learner,
    access_school,
)
from trellis.people.selectors import first_staff_school

if TYPE_CHECKING:
    from trellis.people.models import School, SchoolClass, User

if TYPE_CHECKING:
    from trellis.curriculum.models import Framework


def access_class_export(user: User, class_id: object) -> SchoolClass:
    school_class = access_class(user, class_id)
    if not user.has_perm("interop.export_class", school_class):
        raise PermissionDenied(FORBIDDEN)
    return school_class


def access_school_export(user: User, school_id: object) -> School:
    return access_school(user, school_id)


def access_learner_export(user: User, learner_id: object) -> User:
    learner = access_learner(user, learner_id)
    if not user.has_perm("interop.export_learner", learner):
        raise PermissionDenied(FORBIDDEN)
    return learner


def access_learner_erasure(user: User, learner_id: object) -> User:
    learner = access_learner(user, learner_id)
    if not user.has_perm("interop.erase_learner", learner):
        raise PermissionDenied(FORBIDDEN)
    return learner


def access_learner_activity(user: User, learner_id: object) -> User:
    learner = access_learner(user, learner_id)
    if not user.has_perm("interop.view_learner_activity", learner):
        raise NotVisible(NOT_FOUND)
    return learner


def access_credential_school(user: User, school_id: object) -> School:
    """A school whose tool credentials ``user`` may issue (404 otherwise)."""
    school = access_school(user, school_id)
    if not user.has_perm("interop.manage_xapi_credentials", school):
        raise NotVisible(NOT_FOUND)
    return school


def access_credential(user: User, credential_id: object) -> XapiCredential:
    """A tool credential ``user`` may revoke (404 otherwise)."""
    try:
        credential = XapiCredential.objects.select_related("school").get(pk=int(credential_id))
    except (XapiCredential.DoesNotExist, TypeError, ValueError):
        raise NotVisible(NOT_FOUND) from None
    if not user.has_perm("interop.manage_xapi_credentials", credential.school):
        raise NotVisible(NOT_FOUND)
    return credential


def access_item_exchange_school(user: User, school_id: object = None) -> School:
    """The school whose items ``user`` imports or exports as QTI: the one
    named (404 when it is not theirs to see, 403 when they are not its
    teacher or admin), or else the first school they teach or administer."""
    if school_id is None:
        school = first_staff_school(user)
        if school is None:
            raise PermissionDenied(FORBIDDEN)
    else:
        school = access_school(user, school_id)
    if not user.has_perm("interop.exchange_items", school):
        raise PermissionDenied(FORBIDDEN)
    return school


def access_export_framework(user: User, school: School, framework_id: object) -> Framework:
    """A framework whose items of ``school`` are exported: the school's own
    or a global one that ``user`` may see (404 otherwise)."""
    framework = access_framework(user, framework_id)
    if framework.school_id not in (None, school.pk):
        raise NotVisible(NOT_FOUND)
    return framework

"""The few functions every page and endpoint uses to fetch a record on
someone's behalf. A record the person may not see is reported as not found
(404), so that its existence does not leak; a record they may see but not act
on is forbidden (403)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from trellis.people.models import School, SchoolClass, User

NOT_FOUND = _("Not found.")
FORBIDDEN = _("You do not have permission to do that.")
#: The one answer, in a 400, for an id that names no record and for an id of a
#: record that is not the person's to use here (another school's, another
#: class's). It repeats only what was sent, never a name, title or code, so
#: that ids cannot be walked to learn who or what exists.
NO_SUCH_RECORD = _("There is no {kind} with id {id} here.")


def no_such_record(kind: str, pk: object) -> str:
    return NO_SUCH_RECORD.format(kind=kind, id=pk)


class NotVisible(Http404):
    """The record does not exist, or this person has no reason to see it."""


def get_or_not_visible(model, pk: object):
    """The record with this id, or NotVisible: a malformed id answers like a
    missing record. Public so that every app's access module fetches alike."""
    try:
        return model.objects.get(pk=int(pk))  # type: ignore[arg-type]
    except (model.DoesNotExist, TypeError, ValueError):
        raise NotVisible(NOT_FOUND) from None


def access_learner(user: User, learner_id: object) -> User:
    learner = get_or_not_visible(User, learner_id)
    if not user.has_perm("people.view_learner", learner):
        raise NotVisible(NOT_FOUND)
    return learner


def access_class(user: User, class_id: object) -> SchoolClass:
    school_class = get_or_not_visible(SchoolClass, class_id)
    if not user.has_perm("people.view_class", school_class):
        raise NotVisible(NOT_FOUND)
    return school_class


def access_class_roster(user: User, class_id: object) -> SchoolClass:
    """A class whose roster (and group-level records) the person may see."""
    school_class = access_class(user, class_id)
    if not user.has_perm("people.view_class_roster", school_class):
        raise PermissionDenied(FORBIDDEN)
    return school_class


def access_class_as_teacher(user: User, class_id: object) -> SchoolClass:
    """A class the person teaches: for planning, grouping and scoring."""
    school_class = access_class(user, class_id)
    if not user.has_perm("people.teach_class", school_class):
        raise PermissionDenied(FORBIDDEN)
    return school_class


def access_school(user: User, school_id: object) -> School:
    school = get_or_not_visible(School, school_id)
    if not user.has_perm("people.view_school", school):
        raise NotVisible(NOT_FOUND)
    return school

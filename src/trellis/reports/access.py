"""Fetch the subject of a continuum report on someone's behalf: 404 when
they have no reason to see it, 403 when they may see it but not its report."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy

from trellis.people.access import (
    FORBIDDEN,
    NOT_FOUND,
    NotVisible,
    access_class,
    access_learner,
    access_school,
)
from trellis.people.selectors import has_ever_been_learner
from trellis.reports import counts

if TYPE_CHECKING:
    from trellis.people.models import User

SCOPE_MISSING = gettext_lazy("Choose one of class, learner or school.")
SCOPE_TOO_MANY = gettext_lazy("Choose only one of class, learner or school.")


def access_report_scope(
    user: User, *, class_id: object = None, learner_id: object = None, school_id: object = None
) -> counts.Scope:
    """The scope of a report the person may open. Exactly one id is given."""
    given = [x for x in (class_id, learner_id, school_id) if x not in (None, "")]
    if not given:
        raise ValueError(SCOPE_MISSING)
    if len(given) > 1:
        raise ValueError(SCOPE_TOO_MANY)
    if class_id not in (None, ""):
        school_class = access_class(user, class_id)
        if not user.has_perm("reports.view_class_report", school_class):
            raise PermissionDenied(FORBIDDEN)
        return counts.class_scope(school_class)
    if learner_id not in (None, ""):
        learner = access_learner(user, learner_id)
        if not has_ever_been_learner(learner):
            # Only an operator gets this far with someone who never was a
            # learner: there is no learner report to show.
            raise NotVisible(NOT_FOUND)
        if not user.has_perm("reports.view_learner_report", learner):
            raise PermissionDenied(FORBIDDEN)
        return counts.learner_scope(learner)
    return counts.school_scope(access_school(user, school_id))

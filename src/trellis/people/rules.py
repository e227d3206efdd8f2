"""Who may see what among people and classes: every rule in one place.

Predicates take ``(user, record)``. Other apps build their own rules from the
exported predicates (``can_view_learner`` above all), so a change here changes
every record that hangs off a learner.
"""

from __future__ import annotations

import rules

from trellis.people import roles
from trellis.people.models import Enrollment, Guardianship, Membership, School, SchoolClass, User


def _role_school_ids(user: User, role: str) -> set[int]:
    """The schools where ``user`` holds ``role`` on an active membership
    (cached on the user object for the request). Every rule that gives access
    through a role goes through this, so deactivating a membership removes
    the access it gave, whatever teaching assignments or guardian links
    remain."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cache = user.role_schools()
    return cache.get(role, set())


def _admin_school_ids(user: User) -> set[int]:
    return _role_school_ids(user, roles.ADMIN)


@rules.predicate
def administers_any_school(user: User) -> bool:
    return bool(_admin_school_ids(user))


@rules.predicate
def is_operator(user: User) -> bool:
    return bool(user.is_active and user.is_superuser)


@rules.predicate
def is_self(user: User, learner: User) -> bool:
    return learner is not None and user.pk == learner.pk


@rules.predicate
def is_learner(user: User, learner: User) -> bool:
    return Membership.objects.filter(user=learner, role=roles.LEARNER, active=True).exists()


@rules.predicate
def is_guardian_of(user: User, learner: User) -> bool:
    """A guardian link, and an active guardian role in a school where the
    learner is an active learner."""
    return guardian_of_any(user, [learner.pk])


def guardian_of_any(user: User, learner_ids) -> bool:
    """``is_guardian_of`` for any of several learners (a query of ids)."""
    ids = _role_school_ids(user, roles.GUARDIAN)
    return (
        bool(ids)
        and Guardianship.objects.filter(
            guardian=user,
            learner__in=learner_ids,
            learner__memberships__role=roles.LEARNER,
            learner__memberships__active=True,
            learner__memberships__school_id__in=ids,
        ).exists()
    )


@rules.predicate
def teaches_learner(user: User, learner: User) -> bool:
    """An active enrolment in a class the user is assigned to teach, in a
    school where the user is an active teacher."""
    ids = _role_school_ids(user, roles.TEACHER)
    return (
        bool(ids)
        and Enrollment.objects.filter(
            learner=learner,
            active=True,
            school_class__teaching_assignments__teacher=user,
            school_class__school_id__in=ids,
        ).exists()
    )


def learner_ids_taught_by(user: User, learner_ids) -> set[int]:
    """``teaches_learner`` for many learners in one query: those of
    ``learner_ids`` that ``user`` teaches (for lists that ask the rule once
    per row, which would cost a query per row)."""
    ids = _role_school_ids(user, roles.TEACHER)
    if not ids:
        return set()
    return set(
        Enrollment.objects.filter(
            learner_id__in=list(learner_ids),
            active=True,
            school_class__teaching_assignments__teacher=user,
            school_class__school_id__in=ids,
        ).values_list("learner_id", flat=True)
    )


@rules.predicate
def administers_learner(user: User, learner: User) -> bool:
    ids = _admin_school_ids(user)
    return (
        bool(ids)
        and Membership.objects.filter(
            user=learner, role=roles.LEARNER, active=True, school_id__in=ids
        ).exists()
    )


@rules.predicate
def teaches_class(user: User, school_class: SchoolClass) -> bool:
    return (
        school_class.school_id in _role_school_ids(user, roles.TEACHER)
        and school_class.teaching_assignments.filter(teacher=user).exists()
    )


@rules.predicate
def attends_class(user: User, school_class: SchoolClass) -> bool:
    return (
        school_class.school_id in _role_school_ids(user, roles.LEARNER)
        and school_class.enrollments.filter(learner=user, active=True).exists()
    )


@rules.predicate
def has_child_in_class(user: User, school_class: SchoolClass) -> bool:
    return (
        school_class.school_id in _role_school_ids(user, roles.GUARDIAN)
        and school_class.enrollments.filter(
            active=True, learner__guardians_links__guardian=user
        ).exists()
    )


@rules.predicate
def administers_class(user: User, school_class: SchoolClass) -> bool:
    return school_class.school_id in _admin_school_ids(user)


@rules.predicate
def administers_school(user: User, school: School) -> bool:
    return school.pk in _admin_school_ids(user)


authenticated = rules.is_authenticated & rules.is_active

#: A learner's records: the learner, their guardians, their teachers, their school's admins.
can_view_learner = authenticated & (
    is_operator | (is_learner & (is_self | is_guardian_of | teaches_learner | administers_learner))
)
#: A class's name, subject and teachers.
can_view_class = authenticated & (
    is_operator | teaches_class | attends_class | has_child_in_class | administers_class
)
#: A class's roster and everything about its learners as a group.
can_view_class_roster = authenticated & (is_operator | teaches_class | administers_class)
can_teach_class = authenticated & (is_operator | teaches_class)
can_view_school = authenticated & (is_operator | administers_school)

rules.add_perm("people.view_learner", can_view_learner)
rules.add_perm("people.view_class", can_view_class)
rules.add_perm("people.view_class_roster", can_view_class_roster)
rules.add_perm("people.teach_class", can_teach_class)
rules.add_perm("people.view_school", can_view_school)

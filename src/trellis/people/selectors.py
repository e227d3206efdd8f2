"""Reads: who and what a person may see, as querysets.

These are the queryset side of the rules in ``trellis.people.rules``; a test
checks that for every person and every record the two agree. List pages and
list endpoints filter through here, detail views through ``access``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet

from trellis.people import roles
from trellis.people.models import (
    Enrollment,
    Guardianship,
    Membership,
    School,
    SchoolClass,
    TeachingAssignment,
    User,
)


def _is_operator(user: User) -> bool:
    return bool(user.is_active and user.is_superuser)


def role_school_ids(user: User, role: str) -> QuerySet:
    """Ids of the schools where ``user`` holds ``role`` on an active
    membership: what a teaching assignment or guardian link counts in."""
    return Membership.objects.filter(user=user, role=role, active=True).values("school_id")


def _children_links(guardian: User) -> QuerySet[Guardianship]:
    """Guardian links that give access: the guardian is an active guardian
    in a school where the child is an active learner."""
    return Guardianship.objects.filter(
        guardian=guardian,
        learner__memberships__role=roles.LEARNER,
        learner__memberships__active=True,
        learner__memberships__school_id__in=role_school_ids(guardian, roles.GUARDIAN),
    )


def schools_administered_by(user: User) -> QuerySet[School]:
    if not user.is_authenticated:
        return School.objects.none()
    if _is_operator(user):
        return School.objects.all()
    return School.objects.filter(
        memberships__user=user, memberships__role=roles.ADMIN, memberships__active=True
    ).distinct()


def learners_visible_to(user: User) -> QuerySet[User]:
    """Learners this person has a reason to see: themselves, their children,
    the learners in the classes they teach, the learners of schools they run."""
    if not user.is_authenticated or not user.is_active:
        return User.objects.none()
    learner_ids = Membership.objects.filter(role=roles.LEARNER, active=True)
    if _is_operator(user):
        return User.objects.filter(pk__in=learner_ids.values("user_id"))
    own = learner_ids.filter(user=user).values("user_id")
    children = _children_links(user).values("learner_id")
    taught = Enrollment.objects.filter(
        active=True,
        school_class__teaching_assignments__teacher=user,
        school_class__school_id__in=role_school_ids(user, roles.TEACHER),
    ).values("learner_id")
    administered = learner_ids.filter(
        school__in=Membership.objects.filter(user=user, role=roles.ADMIN, active=True).values(
            "school_id"
        )
    ).values("user_id")
    return User.objects.filter(
        Q(pk__in=own) | Q(pk__in=children) | Q(pk__in=taught) | Q(pk__in=administered)
    )


def classes_visible_to(user: User) -> QuerySet[SchoolClass]:
    """Classes this person teaches, attends, has a child in, or whose school they run."""
    if not user.is_authenticated or not user.is_active:
        return SchoolClass.objects.none()
    if _is_operator(user):
        return SchoolClass.objects.all()
    taught = TeachingAssignment.objects.filter(
        teacher=user, school_class__school_id__in=role_school_ids(user, roles.TEACHER)
    ).values("school_class_id")
    attended = Enrollment.objects.filter(
        learner=user,
        active=True,
        school_class__school_id__in=role_school_ids(user, roles.LEARNER),
    ).values("school_class_id")
    childrens = Enrollment.objects.filter(
        active=True,
        learner__in=_children_links(user).values("learner_id"),
        school_class__school_id__in=role_school_ids(user, roles.GUARDIAN),
    ).values("school_class_id")
    administered = Membership.objects.filter(user=user, role=roles.ADMIN, active=True).values(
        "school_id"
    )
    return SchoolClass.objects.filter(
        Q(pk__in=taught) | Q(pk__in=attended) | Q(pk__in=childrens) | Q(school__in=administered)
    )


def classes_taught_by(user: User) -> QuerySet[SchoolClass]:
    return (
        SchoolClass.objects.filter(
            teaching_assignments__teacher=user,
            school_id__in=role_school_ids(user, roles.TEACHER),
        )
        .select_related("term", "school")
        .annotate(
            learner_count=Count("enrollments", filter=Q(enrollments__active=True), distinct=True)
        )
        .order_by("name")
    )


def classes_attended_by(learner: User) -> QuerySet[SchoolClass]:
    return (
        SchoolClass.objects.filter(enrollments__learner=learner, enrollments__active=True)
        .select_related("term", "school")
        .prefetch_related("teachers")
        .order_by("name")
    )


def roster_of(school_class: SchoolClass) -> QuerySet[User]:
    return User.objects.filter(
        enrollments__school_class=school_class, enrollments__active=True
    ).order_by("last_name", "first_name", "username")


def children_of(guardian: User) -> QuerySet[User]:
    return User.objects.filter(pk__in=_children_links(guardian).values("learner_id")).order_by(
        "first_name", "username"
    )


def school_counts(school: School) -> dict[str, int]:
    """Head counts for an admin's overview, in one query per table."""
    by_role = dict(
        Membership.objects.filter(school=school, active=True)
        .values_list("role")
        .annotate(n=Count("id"))
        .values_list("role", "n")
    )
    return {
        "learners": by_role.get(roles.LEARNER, 0),
        "teachers": by_role.get(roles.TEACHER, 0),
        "guardians": by_role.get(roles.GUARDIAN, 0),
        "admins": by_role.get(roles.ADMIN, 0),
        "classes": SchoolClass.objects.filter(school=school, active=True).count(),
        "enrollments": Enrollment.objects.filter(school_class__school=school, active=True).count(),
    }


# --- For the continuum report ------------------------------------------------


def active_learners_by_class(class_ids: Iterable[int]) -> dict[int, set[int]]:
    """The learners actively enrolled in each class."""
    out: dict[int, set[int]] = {}
    for class_id, learner_id in Enrollment.objects.filter(
        school_class_id__in=list(class_ids), active=True
    ).values_list("school_class_id", "learner_id"):
        out.setdefault(class_id, set()).add(learner_id)
    return out


def id_filter(ids: Iterable[int]) -> Iterable[int]:
    """What an ``__in`` filter is given: a query of ids stays a subquery (one
    SQL statement, no id list built in Python and sent back); any other
    iterable becomes a list."""
    return ids if isinstance(ids, QuerySet) else list(ids)


def active_learner_ids_query(class_ids: Iterable[int]) -> QuerySet:
    """The learners actively enrolled in these classes, as a subquery."""
    return Enrollment.objects.filter(school_class_id__in=list(class_ids), active=True).values(
        "learner_id"
    )


def school_learner_ids_query(school: School) -> QuerySet:
    """The school's learners, as a subquery."""
    return Membership.objects.filter(school=school, role=roles.LEARNER).values("user_id")


def teacher_learner_pairs(learner_ids: Iterable[int]) -> set[tuple[int, int]]:
    """(teacher, learner) for every class that teacher teaches the learner in."""
    return set(
        TeachingAssignment.objects.filter(
            school_class__enrollments__learner_id__in=id_filter(learner_ids)
        ).values_list("teacher_id", "school_class__enrollments__learner_id")
    )


def names_of(user_ids: Iterable[int]) -> dict[int, str]:
    """How each person is shown, by id."""
    return {u.pk: str(u) for u in User.objects.filter(pk__in=id_filter(user_ids))}


def learner_school(learner: User) -> School | None:
    """The school where the person is a learner (the first, if several)."""
    membership = (
        Membership.objects.filter(user=learner, role=roles.LEARNER)
        .select_related("school")
        .order_by("pk")
        .first()
    )
    return membership.school if membership else None


def school_class_ids(school: School) -> list[int]:
    return list(SchoolClass.objects.filter(school=school).values_list("pk", flat=True))


def school_learner_ids(school: School) -> list[int]:
    return list(
        Membership.objects.filter(school=school, role=roles.LEARNER).values_list(
            "user_id", flat=True
        )
    )


def learners_of_schools_administered_by(user: User, search: str = "") -> QuerySet[User]:
    """The learners of the schools ``user`` runs (every school for an
    operator), by name, optionally those whose username or name contains
    ``search``: the list the admin's learner-record page starts from."""
    schools = schools_administered_by(user)
    learners = User.objects.filter(
        pk__in=Membership.objects.filter(
            role=roles.LEARNER, active=True, school__in=schools.values("pk")
        ).values("user_id")
    )
    if search:
        learners = learners.filter(
            Q(username__icontains=search)
            | Q(first_name__icontains=search)
            | Q(last_name__icontains=search)
            | Q(display_name__icontains=search)
        )
    return learners.order_by("last_name", "first_name", "username")

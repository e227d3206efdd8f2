"""Reads: who and what a person may see, as querysets.

These are the queryset side of the rules in ``trellis.people.rules``; a test
checks that for every person and every record the two agree. List pages and
list endpoints filter through here, detail views through ``access``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet

from trellis.people import handwritten, roles
from trellis.people.models import (
    Enrollment,
    Guardianship,
    Membership,
    School,
    SchoolClass,
    TeachingAssignment,
    Term,
    User,
)
from trellis.people.rules import is_operator


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
    """The guardian's children (nobody, for someone not signed in)."""
    if not guardian.is_authenticated:
        return User.objects.none()
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


def is_learner_at(user: User, school_id: int | None) -> bool:
    """Whether the person is an active learner of that school (one query)."""
    return Membership.objects.filter(
        user=user, school_id=school_id, role=roles.LEARNER, active=True
    ).exists()


def active_person_sql(person_column: str) -> tuple[str, str]:
    """The columns and the JOIN that bring an active account into another
    app's hand-written read (decision 0016) by ``person_column``: a row
    without an active account is left out. People alone words its own
    table; :func:`person_from_row` reads the columns back."""
    table = User._meta.db_table
    join = f"JOIN {table} person ON person.id = {person_column} AND person.is_active"
    return handwritten.columns(User, "person"), join


def person_from_row(row, start: int) -> User:
    """The account whose :func:`active_person_sql` columns begin at ``start``."""
    return handwritten.model_from_row(User, row, start)


def is_learner_at_sql(school_column: str) -> str:
    """:func:`is_learner_at` as SQL over a row's school column, for another
    app's hand-written read (decision 0016), so people alone words its own
    table; it takes one parameter, the person's id."""
    return (
        f"EXISTS (SELECT 1 FROM {Membership._meta.db_table} m WHERE m.user_id = %s"
        f" AND m.school_id = {school_column} AND m.role = '{roles.LEARNER}' AND m.active)"
    )


def is_enrolled_sql(class_column: str) -> str:
    """Whether a person is actively enrolled in the class of a row's
    ``class_column``, as SQL for another app's hand-written read (decision
    0016); it takes one parameter, the person's id."""
    return (
        f"EXISTS (SELECT 1 FROM {Enrollment._meta.db_table} e WHERE e.learner_id = %s"
        f" AND e.school_class_id = {class_column} AND e.active)"
    )


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


# --- For the other apps ------------------------------------------------------
# People's tables are read here and nowhere else (import-linter's "Only people
# queries people's tables"): the other apps ask for what they need in the
# school's words. Most return a queryset, so that the caller's query (and its
# count) stays what it was when the caller wrote it inline.


def person_by_id(user_id: object) -> User | None:
    """The account with this id, or None (a task or a page given an id)."""
    return User.objects.filter(pk=user_id).first()


def person_by_username(username: str) -> User | None:
    """The account with this username, or None (a command naming someone)."""
    return User.objects.filter(username=username).first()


def active_person_by_username(username: str) -> User | None:
    """The active account with this username, or None (an invitation by name)."""
    return User.objects.filter(username=username, is_active=True).first()


def person_by_email_or_username(address: str) -> User | None:
    """The account whose email or username is this address (case ignored):
    who an outside expert already is, if anyone."""
    return User.objects.filter(Q(email__iexact=address) | Q(username__iexact=address)).first()


def people_with_ids(user_ids: Iterable[int]) -> QuerySet[User]:
    """The accounts with these ids: a list, or a query of ids (kept a subquery)."""
    return User.objects.filter(pk__in=id_filter(user_ids))


def school_by_id(school_id: object) -> School | None:
    """The school with this id, or None."""
    return School.objects.filter(pk=school_id).first()


def school_by_code(code: str) -> School | None:
    """The school with this code, or None (a command naming a school)."""
    return School.objects.filter(code=code).first()


def all_schools() -> QuerySet[School]:
    """Every school: for an operator's pages and the nightly jobs."""
    return School.objects.all()


def school_ids_of_member(user: User) -> QuerySet:
    """Ids of the schools where ``user`` holds any role on an active
    membership, as a subquery: what is shared with a school's members."""
    return Membership.objects.filter(user=user, active=True).values("school_id")


def staff_school_ids(user: User) -> QuerySet:
    """Ids of the schools where ``user`` teaches or is an admin (active), as a
    subquery: the schools whose items and resources they author."""
    return Membership.objects.filter(
        user=user, active=True, role__in=[roles.TEACHER, roles.ADMIN]
    ).values("school_id")


def roles_by_school_rows(user: User) -> QuerySet:
    """``(school_id, role)`` for each active membership of ``user``."""
    return Membership.objects.filter(user=user, active=True).values_list("school_id", "role")


def first_staff_school(user: User) -> School | None:
    """The first school (by name) where ``user`` teaches or is an admin:
    where what they write goes when they do not say."""
    membership = (
        Membership.objects.filter(
            user_id=user.pk, active=True, role__in=[roles.TEACHER, roles.ADMIN]
        )
        .select_related("school")
        .order_by("school__name")
        .first()
    )
    return membership.school if membership else None


def first_learner_membership(learner: User) -> Membership | None:
    """The learner's first active learner membership (the school a plan or
    record for them belongs to)."""
    return (
        Membership.objects.filter(user=learner, role=roles.LEARNER, active=True)
        .order_by("pk")
        .first()
    )


def first_guardian_school(guardian: User) -> School | None:
    """The first school (by membership) where the person is an active guardian."""
    membership = (
        Membership.objects.select_related("school")
        .filter(user=guardian, role=roles.GUARDIAN, active=True)
        .order_by("pk")
        .first()
    )
    return membership.school if membership else None


def is_staff_at(user_id: int | None, school_id: int | None) -> bool:
    """Whether the person teaches or is an admin at that school (active)."""
    return Membership.objects.filter(
        user_id=user_id, school_id=school_id, role__in=[roles.TEACHER, roles.ADMIN], active=True
    ).exists()


def has_role_in_schools_of(member: User, learner: User, role_list: Iterable[str]) -> bool:
    """Whether ``member`` holds one of these roles (active) in a school where
    ``learner`` is an active learner: who a learner may invite."""
    return Membership.objects.filter(
        user=member,
        role__in=list(role_list),
        active=True,
        school__in=role_school_ids(learner, roles.LEARNER),
    ).exists()


def has_ever_been_learner(user: User) -> bool:
    """Whether the person holds a learner membership, active or not."""
    return Membership.objects.filter(user=user, role=roles.LEARNER).exists()


def has_any_membership(user: User) -> bool:
    """Whether the person holds any role in any school, active or not."""
    return Membership.objects.filter(user=user).exists()


def staff_of_school(school_id: int) -> QuerySet[User]:
    """The school's active teachers and admins: who may be made responsible
    for a plan."""
    return User.objects.filter(
        memberships__school_id=school_id,
        memberships__role__in=[roles.TEACHER, roles.ADMIN],
        memberships__active=True,
    ).distinct()


def people_of_school(school: School) -> QuerySet[User]:
    """The school's own people (an active role there), operators excluded:
    whom an LMS launch may be matched to."""
    return User.objects.filter(
        memberships__school=school, memberships__active=True, is_superuser=False
    ).distinct()


def guardians_with_children() -> QuerySet[User]:
    """Active guardians (an active guardian role) with an email address and
    at least one child: whom the weekly digest may go to."""
    return (
        User.objects.filter(
            memberships__role=roles.GUARDIAN,
            memberships__active=True,
            is_active=True,
            guardianships__isnull=False,
        )
        .exclude(email="")
        .distinct()
    )


def class_ids_attended_by(learner: User) -> QuerySet:
    """Ids of the classes the learner is actively enrolled in, as a subquery."""
    return Enrollment.objects.filter(learner=learner, active=True).values("school_class_id")


def share_a_class(user: User, learner_id: int) -> bool:
    """Whether ``user`` and the learner are both actively enrolled in one class."""
    return Enrollment.objects.filter(
        learner_id=learner_id, active=True, school_class_id__in=class_ids_attended_by(user)
    ).exists()


def class_learner_ids(school_class: SchoolClass) -> QuerySet:
    """Ids of the learners actively enrolled in the class, as a subquery."""
    return Enrollment.objects.filter(school_class=school_class, active=True).values("learner_id")


def learner_ids_in_classes(classes: QuerySet) -> QuerySet:
    """Ids of the learners actively enrolled in these classes (a query of
    classes or of their ids), as a subquery."""
    return Enrollment.objects.filter(active=True, school_class__in=classes).values("learner_id")


def teachers_of_learner(learner: User) -> QuerySet[User]:
    """Who teaches the learner: the teachers of the classes they attend."""
    return User.objects.filter(
        teaching_assignments__school_class__in=class_ids_attended_by(learner)
    ).distinct()


def class_ids_taught_by(user: User) -> QuerySet:
    """Ids of the classes ``user`` teaches in a school where they are an
    active teacher, as a subquery."""
    return SchoolClass.objects.filter(
        teaching_assignments__teacher=user,
        school_id__in=role_school_ids(user, roles.TEACHER),
    ).values("pk")


def all_classes() -> QuerySet[SchoolClass]:
    """Every class: for an operator, who may see them all."""
    return SchoolClass.objects.all()


def classes_with_ids(class_ids: Iterable[int]) -> QuerySet[SchoolClass]:
    """The classes with these ids: a list, or a query of ids (kept a subquery)."""
    return SchoolClass.objects.filter(pk__in=id_filter(class_ids))


def classes_of_schools(school_ids: Iterable[int]) -> QuerySet[SchoolClass]:
    """The classes of these schools: a list, or a query of ids (kept a subquery)."""
    return SchoolClass.objects.filter(school_id__in=id_filter(school_ids))


def class_by_id(class_id: object) -> SchoolClass | None:
    """The class with this id (its school read with it), or None."""
    return SchoolClass.objects.select_related("school").filter(pk=class_id).first()


def classes_named(name: str, school_code: str = "") -> QuerySet[SchoolClass]:
    """The classes with this name (at the school with this code, when given):
    a command naming a class."""
    classes = SchoolClass.objects.select_related("school").filter(name=name)
    if school_code:
        classes = classes.filter(school__code=school_code)
    return classes


def classes_to_differentiate_for(user: User) -> QuerySet[SchoolClass]:
    """Classes ``user`` teaches or that are in a school they run."""
    if not user.is_authenticated or not user.is_active:
        return SchoolClass.objects.none()
    taught = classes_taught_by(user).values("pk")
    return SchoolClass.objects.filter(
        Q(pk__in=taught) | Q(school__in=schools_administered_by(user))
    )


def active_classes_taught_at(user: User, school: School) -> QuerySet[SchoolClass]:
    """The active classes of the school that ``user`` is assigned to teach."""
    return SchoolClass.objects.filter(
        school=school, teaching_assignments__teacher=user, active=True
    )


def classes_of_schools_administered_by(user: User) -> QuerySet[SchoolClass]:
    """The classes of the schools ``user`` runs (all for an operator), by
    school then name: where a data set may be loaded."""

    classes = SchoolClass.objects.select_related("school").order_by("school__name", "name")
    if is_operator(user):
        return classes
    return classes.filter(
        school__memberships__user=user,
        school__memberships__role=roles.ADMIN,
        school__memberships__active=True,
    ).distinct()


def enrollment_of(school_class: SchoolClass, learner: User) -> Enrollment | None:
    """The learner's enrollment in the class (active or not), or None."""
    return Enrollment.objects.filter(school_class=school_class, learner=learner).first()


def teaches(user: User, school_class: SchoolClass) -> bool:
    """Whether ``user`` is assigned to teach the class."""
    return TeachingAssignment.objects.filter(school_class=school_class, teacher=user).exists()


def learners_with_active_classes(learners: QuerySet[User]) -> QuerySet[User]:
    """The learners, each with ``active_enrollments``: their active
    enrollments with the class read in (one more query for all of them)."""
    return learners.prefetch_related(
        Prefetch(
            "enrollments",
            queryset=Enrollment.objects.filter(active=True).select_related("school_class"),
            to_attr="active_enrollments",
        )
    )


def guardian_links_of(learner: User) -> QuerySet:
    """The learner's guardians, as ``guardian__username`` and ``relationship``
    rows (for the learner's record)."""
    return Guardianship.objects.filter(learner=learner).values("guardian__username", "relationship")


def roster_ids(school_class: SchoolClass) -> list[int]:
    """The ids of the class's active learners, in roster order."""
    return list(roster_of(school_class).values_list("pk", flat=True))


def people_by_id(user_ids: Iterable[int]) -> dict[int, User]:
    """The accounts with these ids, by id (an unknown id is missing)."""
    return User.objects.in_bulk(list(user_ids))


def active_learners_named(school: School, usernames: list[str], emails: list[str]) -> list[User]:
    """The school's active learners (active accounts) whose username is one
    of ``usernames`` or whose email, without regard to case, is one of
    ``emails`` (given in lower case). One plain query, as it runs on every
    xAPI request; the users come back with only ``pk``, ``username`` and
    ``email`` read. A person of another school is never matched."""
    if not emails and not usernames:
        return []
    q = connection.ops.quote_name
    user, membership = User._meta, Membership._meta
    col = {
        "pk": q(user.pk.column),
        "username": q(user.get_field("username").column),
        "email": q(user.get_field("email").column),
        "is_active": q(user.get_field("is_active").column),
        "m_user": q(membership.get_field("user").column),
        "m_school": q(membership.get_field("school").column),
        "m_role": q(membership.get_field("role").column),
        "m_active": q(membership.get_field("active").column),
    }
    named = []
    if usernames:
        named.append("u.{username} IN ({})".format(", ".join(["%s"] * len(usernames)), **col))
    if emails:
        named.append("LOWER(u.{email}) IN ({})".format(", ".join(["%s"] * len(emails)), **col))
    sql = (
        "SELECT u.{pk}, u.{username}, u.{email} FROM {users} u WHERE ({named}) "
        "AND u.{is_active} = %s AND EXISTS (SELECT 1 FROM {memberships} m "
        "WHERE m.{m_user} = u.{pk} AND m.{m_school} = %s AND m.{m_role} = %s "
        "AND m.{m_active} = %s)"
    ).format(
        users=q(user.db_table), memberships=q(membership.db_table), named=" OR ".join(named), **col
    )
    params = [*usernames, *emails, True, school.pk, roles.LEARNER, True]
    return list(User.objects.raw(sql, params))


# --- For a roster exchange (OneRoster import and export) ---------------------

#: People's tables by the name a roster exchange gives them.
ROSTER_TABLES: dict[str, type] = {
    "school": School,
    "term": Term,
    "class": SchoolClass,
    "user": User,
    "membership": Membership,
    "enrollment": Enrollment,
    "teaching": TeachingAssignment,
    "guardianship": Guardianship,
}


def roster_rows(table: str, *fields: str) -> QuerySet:
    """Every row of one of people's tables (``ROSTER_TABLES``) as plain
    tuples of ``fields``: a roster import compares a whole district's file
    with what is stored, which model instances would make far slower."""
    return ROSTER_TABLES[table].objects.values_list(*fields)


def roster_records(table: str) -> QuerySet:
    """Every record of one of people's tables (``ROSTER_TABLES``): what a
    roster export writes out."""
    return ROSTER_TABLES[table].objects.all()


def operator_ids() -> QuerySet:
    """Ids of the operators (superusers), whom a roster never changes."""
    return User.objects.filter(is_superuser=True).values_list("pk", flat=True)


def people_with_a_role_except(user_ids: Iterable[int]) -> QuerySet[User]:
    """The people who hold a role in some school (active or not), operators
    and ``user_ids`` left out, by id: whom a roster export adds."""
    with_roles = set(Membership.objects.values_list("user_id", flat=True))
    return (
        User.objects.filter(pk__in=with_roles, is_superuser=False)
        .exclude(pk__in=list(user_ids))
        .order_by("pk")
    )


def user_ids_by_username(usernames: Sequence[str], chunk: int = 5000) -> dict[str, int]:
    """The ids of the accounts with these usernames, by username (asked
    ``chunk`` at a time: SQLite limits bound parameters)."""
    found: dict[str, int] = {}
    for start in range(0, len(usernames), chunk):
        part = usernames[start : start + chunk]
        found.update(User.objects.filter(username__in=part).values_list("username", "pk"))
    return found

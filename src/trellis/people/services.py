"""Writes for people and classes. Each validates with ``full_clean`` and runs
in one transaction, so a refused change leaves nothing behind."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from trellis.people import roles
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

UNKNOWN_ROLE = _("Unknown role {role!r}; use one of: {choices}.")
UNKNOWN_LANGUAGE = _("Unknown language {value!r}; choose one of {choices}.")


@transaction.atomic
def school_create(*, name: str, code: str) -> School:
    school = School(name=name, code=code)
    school.full_clean()
    school.save()
    return school


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
    display_name: str = "",
    email: str = "",
) -> User:
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        display_name=display_name,
        email=email,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def membership_grant(*, user: User, school: School, role: str) -> Membership:
    if role not in roles.ALL_ROLES:
        raise ValueError(UNKNOWN_ROLE.format(role=role, choices=", ".join(roles.ALL_ROLES)))
    membership, created = Membership.objects.get_or_create(user=user, school=school, role=role)
    if not created and not membership.active:
        membership.active = True
        membership.save(update_fields=["active"])
    user.__dict__.pop("_role_schools_cache", None)
    return membership


@transaction.atomic
def term_create(*, school: School, name: str, starts_on: dt.date, ends_on: dt.date) -> Term:
    term = Term(school=school, name=name, starts_on=starts_on, ends_on=ends_on)
    term.full_clean()
    term.save()
    return term


@transaction.atomic
def class_create(
    *, school: School, term: Term, name: str, subject: str, grade_band: str
) -> SchoolClass:
    school_class = SchoolClass(
        school=school, term=term, name=name, subject=subject, grade_band=grade_band
    )
    school_class.full_clean()
    school_class.save()
    return school_class


@transaction.atomic
def enrollment_create(*, school_class: SchoolClass, learner: User) -> Enrollment:
    enrollment = Enrollment(school_class=school_class, learner=learner)
    enrollment.full_clean()
    enrollment.save()
    return enrollment


@transaction.atomic
def teaching_assign(*, school_class: SchoolClass, teacher: User) -> TeachingAssignment:
    assignment = TeachingAssignment(school_class=school_class, teacher=teacher)
    assignment.full_clean()
    assignment.save()
    return assignment


@transaction.atomic
def guardianship_create(*, guardian: User, learner: User, relationship: str = "") -> Guardianship:
    """Link a guardian to a learner; refused (``ValidationError``) when the
    'learner' holds no learner role or is the guardian themselves."""
    link = Guardianship(guardian=guardian, learner=learner, relationship=relationship)
    link.full_clean()
    link.save()
    return link


@transaction.atomic
def user_language_set(*, user: User, language: str) -> User:
    """Remember the language a person chose, so that it follows them to
    every device they sign in on."""
    codes = [code for code, _name in settings.LANGUAGES]
    if language not in codes:
        raise ValidationError(
            {"language": UNKNOWN_LANGUAGE.format(value=language, choices=", ".join(codes))}
        )
    user.language = language
    user.save(update_fields=["language"])
    return user


@transaction.atomic
def enrollment_activate(*, enrollment: Enrollment) -> Enrollment:
    """Make a withdrawn enrollment active again (a learner back in a class)."""
    enrollment.active = True
    enrollment.save(update_fields=["active"])
    return enrollment


@transaction.atomic
def enrollments_withdraw(
    *, school_class: SchoolClass, learner_ids: Iterable[int], keep_ids: Iterable[int] = ()
) -> int:
    """Withdraw these learners' active enrollments in the class, except the
    ``keep_ids``' (a roster sync: who left the course). The count withdrawn."""
    ids = learner_ids if isinstance(learner_ids, QuerySet) else list(learner_ids)
    return (
        Enrollment.objects.filter(school_class=school_class, active=True, learner_id__in=ids)
        .exclude(learner_id__in=list(keep_ids))
        .update(active=False)
    )


@transaction.atomic
def learner_links_remove(*, learner: User) -> None:
    """Remove the learner's guardian links and every role but the learner's
    own (an erasure keeps the account as an anonymous learner)."""
    Guardianship.objects.filter(learner=learner).delete()
    Membership.objects.filter(user=learner).exclude(role=roles.LEARNER).delete()


#: How an erased learner's account is named: no one's name, never reused.
ERASED_PREFIX = "erased-"


def person_is_erased(user: User) -> bool:
    """Whether the account's identity was already erased."""
    return user.username.startswith(ERASED_PREFIX) and not user.is_active


@transaction.atomic
def person_identity_erase(*, user: User) -> User:
    """Remove who the account was (name, email, username, password) and close
    it, keeping the row so that anonymous aggregates still add up."""
    user.username = f"{ERASED_PREFIX}{uuid.uuid4().hex[:16]}"
    user.first_name = user.last_name = user.display_name = user.email = ""
    user.password = make_password(None)
    user.is_active = False
    user.save()
    return user


@transaction.atomic
def learners_enroll_by_username(*, school_class: SchoolClass, usernames: list[str]) -> list[int]:
    """Enroll these accounts in the class as learners of its school, making
    the accounts (with no usable password) that do not exist yet: a data
    set's learners, thousands at a time, in a few bulk statements. Their ids,
    in the order of ``usernames``."""
    school = school_class.school
    have = dict(User.objects.filter(username__in=usernames).values_list("username", "pk"))
    unusable = make_password(None)
    User.objects.bulk_create(
        [User(username=u, password=unusable) for u in usernames if u not in have], batch_size=1000
    )
    have = dict(User.objects.filter(username__in=usernames).values_list("username", "pk"))
    pks = [have[u] for u in usernames]
    Membership.objects.bulk_create(
        [Membership(user_id=pk, school=school, role=roles.LEARNER) for pk in pks],
        ignore_conflicts=True,
        batch_size=1000,
    )
    Enrollment.objects.bulk_create(
        [Enrollment(school_class=school_class, learner_id=pk) for pk in pks],
        ignore_conflicts=True,
        batch_size=1000,
    )
    return pks

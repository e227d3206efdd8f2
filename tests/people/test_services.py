from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tests.factories import SchoolClassFactory, SchoolFactory, TermFactory, UserFactory
from trellis.people import roles, services
from trellis.people.models import (
    ENROLL_NON_LEARNER,
    GUARDIAN_OF_NON_LEARNER,
    GUARDIAN_OF_SELF,
    TEACH_NON_TEACHER,
    TERM_ENDS_BEFORE_START,
    Guardianship,
)

pytestmark = pytest.mark.django_db


def test_guardian_link_to_a_non_learner_is_refused_with_a_clear_message(world):
    with pytest.raises(ValidationError) as err:
        services.guardianship_create(guardian=world.guardian, learner=world.teacher)
    assert GUARDIAN_OF_NON_LEARNER.format(username=world.teacher.username) in str(err.value)
    assert not Guardianship.objects.filter(learner=world.teacher).exists()


def test_guardian_link_to_a_learner_is_made(world):
    link = services.guardianship_create(guardian=world.guardian, learner=world.other_learner)
    assert link.pk and world.guardian.has_perm("people.view_learner", world.other_learner)


def test_nobody_is_their_own_guardian(world):
    with pytest.raises(ValidationError) as err:
        services.guardianship_create(guardian=world.learner, learner=world.learner)
    assert str(GUARDIAN_OF_SELF) in str(err.value)


def test_enrolling_someone_without_the_learner_role_is_refused(world):
    with pytest.raises(ValidationError) as err:
        services.enrollment_create(school_class=world.class_a, learner=world.guardian)
    assert ENROLL_NON_LEARNER.format(username=world.guardian.username, school=world.school) in str(
        err.value
    )


def test_a_learner_of_another_school_cannot_join_this_class(world, other_world):
    with pytest.raises(ValidationError):
        services.enrollment_create(school_class=world.class_a, learner=other_world.learner)


def test_teaching_needs_the_teacher_role(world):
    with pytest.raises(ValidationError) as err:
        services.teaching_assign(school_class=world.class_a, teacher=world.learner)
    assert TEACH_NON_TEACHER.format(username=world.learner.username, school=world.school) in str(
        err.value
    )


def test_one_person_may_hold_several_roles(world):
    assert world.dual.role_set() == {roles.TEACHER, roles.GUARDIAN}


def test_unknown_role_is_refused(world):
    with pytest.raises(ValueError, match="Unknown role 'wizard'"):
        services.membership_grant(user=world.stranger, school=world.school, role="wizard")


def test_term_must_end_after_it_starts():
    school = SchoolFactory.build()
    term = TermFactory.build(
        school=school, starts_on=dt.date(2026, 9, 1), ends_on=dt.date(2026, 8, 1)
    )
    with pytest.raises(ValidationError) as err:
        term.clean()
    assert TERM_ENDS_BEFORE_START.format(ends=term.ends_on, starts=term.starts_on) in str(err.value)


def test_class_term_must_belong_to_its_school(world, other_world):
    school_class = SchoolClassFactory.build(school=world.school, term=other_world.class_a.term)
    with pytest.raises(ValidationError):
        school_class.full_clean()


def test_user_create_validates_username():
    with pytest.raises(ValidationError):
        services.user_create(username="has spaces!", password="x")
    assert UserFactory.build(username="ok").username == "ok"

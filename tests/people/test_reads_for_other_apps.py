"""People's reads and writes for the other apps (issue #21: only people
queries people's tables): the few that decide something, rather than hand
back a queryset the callers' own tests already exercise."""

from __future__ import annotations

import pytest

from tests.factories import (
    EnrollmentFactory,
    GuardianshipFactory,
    MembershipFactory,
    SchoolClassFactory,
    SchoolFactory,
    UserFactory,
)
from trellis.people import roles, roster, selectors, services
from trellis.people.models import Enrollment, Guardianship, Membership, User

pytestmark = pytest.mark.django_db


def _learner_in(school_class, **kwargs):
    learner = UserFactory(**kwargs)
    MembershipFactory(user=learner, school=school_class.school, role=roles.LEARNER)
    EnrollmentFactory(school_class=school_class, learner=learner)
    return learner


def test_two_learners_share_a_class_only_while_both_are_enrolled():
    maths, art = SchoolClassFactory(), SchoolClassFactory()
    ada, bea = _learner_in(maths), _learner_in(maths)
    cy = _learner_in(art)
    assert selectors.share_a_class(ada, bea.pk)
    assert not selectors.share_a_class(ada, cy.pk)
    Enrollment.objects.filter(learner=bea).update(active=False)
    assert not selectors.share_a_class(ada, bea.pk)


def test_the_first_staff_school_is_the_first_by_name_where_they_teach_or_run():
    zeta, alpha, beta = (SchoolFactory(name=n) for n in ("Zeta", "Alpha", "Beta"))
    person = UserFactory()
    MembershipFactory(user=person, school=zeta, role=roles.TEACHER)
    MembershipFactory(user=person, school=alpha, role=roles.LEARNER)
    MembershipFactory(user=person, school=beta, role=roles.ADMIN)
    assert selectors.first_staff_school(person) == beta
    assert selectors.first_staff_school(UserFactory()) is None


def test_a_roster_sync_withdraws_the_leavers_and_keeps_the_others():
    school_class = SchoolClassFactory()
    stays, leaves, untouched = (_learner_in(school_class) for _ in range(3))
    withdrawn = services.enrollments_withdraw(
        school_class=school_class, learner_ids=[stays.pk, leaves.pk], keep_ids=[stays.pk]
    )
    assert withdrawn == 1
    active = set(selectors.class_learner_ids(school_class).values_list("learner_id", flat=True))
    assert active == {stays.pk, untouched.pk}


def test_removing_a_learners_links_keeps_only_their_learner_role():
    school_class = SchoolClassFactory()
    learner = _learner_in(school_class)
    MembershipFactory(user=learner, school=school_class.school, role=roles.GUARDIAN)
    GuardianshipFactory(learner=learner)
    services.learner_links_remove(learner=learner)
    assert list(Membership.objects.filter(user=learner).values_list("role", flat=True)) == [
        roles.LEARNER
    ]
    assert not Guardianship.objects.filter(learner=learner).exists()


def test_enrolling_by_username_makes_the_missing_accounts_once():
    school_class = SchoolClassFactory()
    known = UserFactory(username="known")
    first = services.learners_enroll_by_username(
        school_class=school_class, usernames=["known", "new-one"]
    )
    again = services.learners_enroll_by_username(
        school_class=school_class, usernames=["new-one", "known"]
    )
    new = User.objects.get(username="new-one")
    assert first == [known.pk, new.pk] and again == [new.pk, known.pk]
    assert not new.has_usable_password()
    assert selectors.is_learner_at(new, school_class.school_id)
    assert set(selectors.roster_ids(school_class)) == {known.pk, new.pk}


def test_roster_writes_create_update_and_withdraw_plain_rows():
    school = SchoolFactory()
    (pk,) = roster.roster_objects_create(table="school", rows=[{"name": "New", "code": "new"}])
    roster.roster_objects_update(
        table="school", rows=[(pk, {"name": "Renamed", "code": "new"})], fields=["name"]
    )
    assert selectors.school_by_code("new").name == "Renamed"
    learner = UserFactory()
    roster.roster_rows_insert(
        table="membership",
        columns=["user_id", "school_id", "role", "active"],
        rows=[(learner.pk, school.pk, roles.LEARNER, True)],
    )
    (membership_pk,) = selectors.roster_rows("membership", "pk").filter(user=learner)
    roster.roster_links_set_active(table="membership", pks=list(membership_pk), active=False)
    assert not selectors.is_learner_at(learner, school.pk)
    assert selectors.user_ids_by_username([learner.username], chunk=1) == {
        learner.username: learner.pk
    }

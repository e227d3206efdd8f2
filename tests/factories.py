"""Factories for the records every test needs. ``.build()`` where no database
is needed; ``.create()`` otherwise."""

from __future__ import annotations

import datetime as dt

import factory

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

PASSWORD = "a-long-test-password"


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    name = factory.Sequence(lambda n: f"School {n}")
    code = factory.Sequence(lambda n: f"school-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"Given{n:05d}")
    last_name = factory.Sequence(lambda n: f"Surname{n:05d}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    school = factory.SubFactory(SchoolFactory)
    role = roles.LEARNER


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term

    school = factory.SubFactory(SchoolFactory)
    name = "Autumn"
    starts_on = dt.date(2026, 9, 1)
    ends_on = dt.date(2026, 12, 20)


class SchoolClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolClass

    school = factory.SubFactory(SchoolFactory)
    term = factory.LazyAttribute(lambda o: TermFactory(school=o.school))
    name = factory.Sequence(lambda n: f"Maths {n}")
    subject = "Mathematics"
    grade_band = "6"


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    school_class = factory.SubFactory(SchoolClassFactory)
    learner = factory.SubFactory(UserFactory)


class TeachingAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeachingAssignment

    school_class = factory.SubFactory(SchoolClassFactory)
    teacher = factory.SubFactory(UserFactory)


class GuardianshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardianship

    guardian = factory.SubFactory(UserFactory)
    learner = factory.SubFactory(UserFactory)

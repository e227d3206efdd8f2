"""Schools, terms, classes, enrollments, teaching assignments, guardianships
and the roles people hold. Every other app hangs its records off these."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from trellis.people import roles
from trellis.people.names import shown_name

GUARDIAN_OF_NON_LEARNER = _(
    "{username} is not a learner in any school, so no one can be their guardian."
)
GUARDIAN_OF_SELF = _("A person cannot be their own guardian.")
ENROLL_NON_LEARNER = _("{username} is not a learner at {school}; add the learner role first.")
TEACH_NON_TEACHER = _("{username} is not a teacher at {school}; add the teacher role first.")
TERM_ENDS_BEFORE_START = _("The term ends ({ends}) before it starts ({starts}).")
CLASS_TERM_OTHER_SCHOOL = _("The term {term} belongs to another school.")


class User(AbstractUser):
    """An account. What a person may see follows from the roles they hold
    (``Membership``) and their links to classes and learners."""

    display_name = models.CharField(max_length=150, blank=True)
    #: The language this person chose with the header's switch; empty until
    #: they choose, when the browser's preference (or the site default) applies.
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, blank=True)

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return shown_name(self.display_name, self.first_name, self.last_name, self.username)

    @property
    def name(self) -> str:
        return str(self)

    def has_perm(self, perm: str, obj: object = None) -> bool:
        """Django's check, except that a learner's own acts
        (``roles.LEARNER_ACTIONS``) follow their rule alone: the superuser
        shortcut does not let an operator act as a learner."""
        if perm in roles.LEARNER_ACTIONS:
            import rules

            return bool(self.is_active and rules.has_perm(perm, self, obj))
        return super().has_perm(perm, obj)

    def role_set(self) -> set[str]:
        """The roles this person holds in any school (cached per instance)."""
        return set(self.role_schools())

    def role_schools(self) -> dict[str, set[int]]:
        """For each role held on an active membership, the schools where it is
        held (one query, cached per instance)."""
        cached = getattr(self, "_role_schools_cache", None)
        if cached is None:
            cached = {}
            if self.pk is not None:
                for school_id, role in self.memberships.filter(active=True).values_list(
                    "school_id", "role"
                ):
                    cached.setdefault(role, set()).add(school_id)
            self._role_schools_cache = cached
        return cached


class School(models.Model):
    name = models.CharField(max_length=200)
    code = models.SlugField(max_length=64, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A role a person holds in a school."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=roles.CHOICES)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "school", "role"], name="membership_unique_role"
            )
        ]
        indexes = [models.Index(fields=["school", "role"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.school}"


class Term(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="terms")
    name = models.CharField(max_length=100)
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["school", "starts_on"]

    def __str__(self) -> str:
        return f"{self.name} ({self.school})"

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError(
                {"ends_on": TERM_ENDS_BEFORE_START.format(ends=self.ends_on, starts=self.starts_on)}
            )


class SchoolClass(models.Model):
    """A class (section): a group of learners taught a subject in a term."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="classes")
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="classes")
    name = models.CharField(max_length=150)
    subject = models.CharField(max_length=100)
    grade_band = models.CharField(max_length=20, help_text=_("For example 6, 6-8 or K-2."))
    active = models.BooleanField(default=True)
    learners = models.ManyToManyField(User, through="Enrollment", related_name="classes_as_learner")
    teachers = models.ManyToManyField(
        User, through="TeachingAssignment", related_name="classes_as_teacher"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "class"
        verbose_name_plural = "classes"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.term_id and self.school_id and self.term.school_id != self.school_id:
            raise ValidationError({"term": CLASS_TERM_OTHER_SCHOOL.format(term=self.term)})


class Enrollment(models.Model):
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.CASCADE, related_name="enrollments"
    )
    learner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="enrollments")
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school_class", "learner"], name="enrollment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.learner} in {self.school_class}"

    def clean(self) -> None:
        if not (self.school_class_id and self.learner_id):
            return
        school = self.school_class.school
        if not Membership.objects.filter(
            user_id=self.learner_id, school=school, role=roles.LEARNER, active=True
        ).exists():
            raise ValidationError(
                {
                    "learner": ENROLL_NON_LEARNER.format(
                        username=self.learner.username, school=school
                    )
                }
            )


class TeachingAssignment(models.Model):
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.CASCADE, related_name="teaching_assignments"
    )
    teacher = models.ForeignKey(User, on_delete=models.CASCADE, related_name="teaching_assignments")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school_class", "teacher"], name="teaching_unique")
        ]

    def __str__(self) -> str:
        return f"{self.teacher} teaches {self.school_class}"

    def clean(self) -> None:
        if not (self.school_class_id and self.teacher_id):
            return
        school = self.school_class.school
        if not Membership.objects.filter(
            user_id=self.teacher_id, school=school, role=roles.TEACHER, active=True
        ).exists():
            raise ValidationError(
                {"teacher": TEACH_NON_TEACHER.format(username=self.teacher.username, school=school)}
            )


class Guardianship(models.Model):
    """A guardian's link to one learner: what lets a parent see their child."""

    guardian = models.ForeignKey(User, on_delete=models.CASCADE, related_name="guardianships")
    learner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="guardians_links")
    relationship = models.CharField(
        max_length=60, blank=True, help_text=_("For example mother, grandfather.")
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["guardian", "learner"], name="guardianship_unique"),
            models.CheckConstraint(
                condition=~Q(guardian=models.F("learner")), name="guardian_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.guardian} is guardian of {self.learner}"

    def clean(self) -> None:
        if self.guardian_id and self.learner_id and self.guardian_id == self.learner_id:
            raise ValidationError(GUARDIAN_OF_SELF)
        if (
            self.learner_id
            and not Membership.objects.filter(
                user_id=self.learner_id, role=roles.LEARNER, active=True
            ).exists()
        ):
            raise ValidationError(
                {"learner": GUARDIAN_OF_NON_LEARNER.format(username=self.learner.username)}
            )

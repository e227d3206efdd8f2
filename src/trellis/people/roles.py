"""The roles a person can hold in a school. One person may hold several
(a teacher who is also a guardian); roles are per school."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LEARNER = "learner"
TEACHER = "teacher"
GUARDIAN = "guardian"
ADMIN = "admin"

ALL_ROLES: tuple[str, ...] = (LEARNER, TEACHER, GUARDIAN, ADMIN)

CHOICES = [
    (LEARNER, _("Learner")),
    (TEACHER, _("Teacher")),
    (GUARDIAN, _("Guardian")),
    (ADMIN, _("School admin")),
]

#: Permissions that are acts of the learner themselves (writing their own
#: profile, goals, proposals and portfolio, answering a choice, taking an
#: assessment, rating their own work). No one else holds them: not even an
#: operator, whose superuser status lets them administer, not act as a learner.
LEARNER_ACTIONS = frozenset(
    {
        "personalization.write_personal",
        "personalization.change_record",
        "personalization.answer_choice",
        "evidence.take_assessment",
        "evidence.self_rate_response",
    }
)

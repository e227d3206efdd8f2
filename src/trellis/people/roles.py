"""The roles a person can hold in a school. One person may hold several
(a teacher who is also a guardian); roles are per school."""

from __future__ import annotations

LEARNER = "learner"
TEACHER = "teacher"
GUARDIAN = "guardian"
ADMIN = "admin"

ALL_ROLES: tuple[str, ...] = (LEARNER, TEACHER, GUARDIAN, ADMIN)

CHOICES = [
    (LEARNER, "Learner"),
    (TEACHER, "Teacher"),
    (GUARDIAN, "Guardian"),
    (ADMIN, "School admin"),
]

"""``trellis apply-choice-deadlines``: apply the deadline rule of every
assessment choice whose deadline has passed (run from cron; see
docs/personalization.md). Running it again does nothing more."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from trellis.personalization.services.proposals import choice_deadlines_apply


class Command(BaseCommand):
    help = (
        "Past a choice's deadline: give the teacher's default option, as an assessable task, "
        "to every learner with nothing accepted or picked, notify them and their teachers, "
        "and close the proposals still waiting. Idempotent."
    )

    def handle(self, *args: object, **options: object) -> None:
        choices, learners = choice_deadlines_apply()
        self.stdout.write(
            f"Applied the deadline of {choices} choice(s); "
            f"the default option went to {learners} learner(s)."
        )

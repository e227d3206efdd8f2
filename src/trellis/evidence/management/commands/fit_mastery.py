"""``trellis fit-mastery``: fit each school's mastery model on its own
evidence and recompute every learner's records. Run nightly, e.g.::

    15 2 * * *  cd /srv/trellis && .venv/bin/trellis fit-mastery >> var/fit-mastery.log 2>&1
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from trellis.evidence import mastery
from trellis.evidence.services import mastery_fit_school
from trellis.people.models import School


class Command(BaseCommand):
    help = "Fit each school's mastery model on its own evidence and recompute mastery records."

    def add_arguments(self, parser):
        parser.add_argument("--school", help="Only this school (its code).")

    def handle(self, *args, **opts):
        schools = School.objects.order_by("code")
        if opts["school"]:
            schools = schools.filter(code=opts["school"])
            if not schools.exists():
                raise CommandError(f"No school with code {opts['school']!r}.")
        for school in schools:
            started = time.perf_counter()
            row = mastery_fit_school(school=school)
            note = (
                "default parameters (too little evidence)"
                if row.n_responses < mastery.MIN_RESPONSES_TO_FIT
                else "fitted"
            )
            self.stdout.write(
                f"{school.code}: {row.n_responses} responses, {note}, "
                f"{time.perf_counter() - started:.1f} s"
            )

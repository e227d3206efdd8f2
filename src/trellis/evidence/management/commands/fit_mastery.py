"""``trellis fit-mastery``: for each school, fit every candidate mastery
model on its own evidence, score them on held-out learners, keep the one
that predicts the school best, and recompute every learner's records with
it. Run nightly, e.g.::

    15 2 * * *  cd /srv/trellis && .venv/bin/trellis fit-mastery >> var/fit-mastery.log 2>&1
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from trellis.evidence import mastery
from trellis.evidence.services import mastery_fit_school
from trellis.people.selectors import all_schools


class Command(BaseCommand):
    help = (
        "Fit each school's mastery model on its own evidence (the candidate that "
        "predicts held-out learners best) and recompute mastery records."
    )

    def add_arguments(self, parser):
        parser.add_argument("--school", help="Only this school (its code).")
        parser.add_argument(
            "--candidates",
            help=(
                "Comma-separated models to choose from (default: all of "
                f"{', '.join(mastery.candidate_names())})."
            ),
        )

    def handle(self, *args, **opts):
        candidates = None
        if opts["candidates"]:
            try:
                candidates = mastery.check_candidates(
                    [n.strip() for n in opts["candidates"].split(",") if n.strip()]
                )
            except ValueError as exc:
                raise CommandError(str(exc)) from None
        schools = all_schools().order_by("code")
        if opts["school"]:
            schools = schools.filter(code=opts["school"])
            if not schools.exists():
                raise CommandError(f"No school with code {opts['school']!r}.")
        for school in schools:
            started = time.perf_counter()
            row = mastery_fit_school(school=school, candidates=candidates)
            if row.n_responses < mastery.MIN_RESPONSES_TO_FIT:
                note = "default parameters (too little evidence)"
            elif row.selection.get("skipped") == "not_asked":
                note = f"fitted {row.name} (no comparison asked for)"
            elif not row.selection.get("candidates"):
                note = (
                    f"fitted {row.name} (fewer than {mastery.MIN_LEARNERS_TO_SELECT} "
                    "learners: no held-out comparison)"
                )
            else:
                note = f"chose {row.name}"
            self.stdout.write(
                f"{school.code}: {row.n_responses} responses, {row.n_learners} learners, "
                f"{note}, {time.perf_counter() - started:.1f} s"
            )
            for c in row.selection.get("candidates", []):
                auc = "n/a" if c["auc"] is None else f"{c['auc']:.4f}"
                mark = "*" if c["name"] == row.name else " "
                self.stdout.write(
                    f"  {mark} {c['name']:<16} held-out AUC {auc}  log loss "
                    f"{c['log_loss']:.4f}  fit {c['fit_seconds']:.1f} s"
                )

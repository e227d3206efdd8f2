"""Who may see a task run: whoever started it, the admins of its school, and
site operators."""

from __future__ import annotations

import rules

from trellis.people.rules import administers_school, authenticated, is_operator


@rules.predicate
def started_run(user, run) -> bool:
    return run is not None and run.started_by_id is not None and run.started_by_id == user.pk


@rules.predicate
def administers_run_school(user, run) -> bool:
    return run is not None and run.school is not None and administers_school(user, run.school)


can_view_run = authenticated & (is_operator | started_run | administers_run_school)

rules.add_perm("jobs.view_taskrun", can_view_run)

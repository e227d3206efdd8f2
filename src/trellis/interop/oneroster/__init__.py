"""OneRoster 1.2 CSV import and export.

``import_roster(file)`` reads a zip, plans every change, and applies the plan
in one transaction, or refuses the whole file (``RosterRefused``, with every
problem). ``import_roster(file, dry_run=True)`` only plans. ``export_roster``
writes a zip that imports back to the same state.
"""

from __future__ import annotations

from typing import BinaryIO

from django.db import connection, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from trellis.interop.oneroster.apply import apply_plan
from trellis.interop.oneroster.errors import Problem, RosterRefused
from trellis.interop.oneroster.export import export_roster
from trellis.interop.oneroster.planner import Plan, plan_import
from trellis.interop.oneroster.reader import read_zip

__all__ = [
    "Plan",
    "Problem",
    "RosterRefused",
    "export_roster",
    "import_roster",
    "report_lines",
]

#: Serialises imports on PostgreSQL (SQLite serialises writers already).
_LOCK_ID = 0x0E1205


def import_roster(
    source: str | BinaryIO, *, dry_run: bool = False, user=None, filename: str = ""
) -> Plan:
    bundle = read_zip(source)
    with transaction.atomic():
        if connection.vendor == "postgresql" and not dry_run:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_ID])
        plan = plan_import(bundle)
        if plan.problems:
            raise RosterRefused(plan.problems)
        if not dry_run:
            from trellis.interop.models import RosterImport

            apply_plan(plan)
            RosterImport.objects.create(
                user=user if getattr(user, "pk", None) else None,
                filename=filename[:255],
                summary={"changes": plan.summary, "notes": plan.notes},
            )
    return plan


#: How each group of the summary is titled in reports.
GROUP_TITLES: dict[str, object] = {
    "org": _("orgs.csv records"),
    "academicSession": _("academicSessions.csv records"),
    "course": _("courses.csv records"),
    "class": _("classes.csv records"),
    "user": _("users.csv records"),
    "role": _("roles records"),
    "enrollment": _("enrollments.csv records"),
    "schools": _("Schools"),
    "terms": _("Terms"),
    "classes": _("Classes"),
    "users": _("Accounts"),
    "memberships": _("Roles in schools"),
    "enrollments": _("Enrollments"),
    "teaching_assignments": _("Teaching assignments"),
    "guardianships": _("Guardianships"),
}


def report_rows(plan: Plan) -> list[tuple[str, dict[str, int]]]:
    return [(str(GROUP_TITLES.get(name, name)), counts) for name, counts in plan.summary.items()]


def report_lines(plan: Plan) -> list[str]:
    lines = []
    for title, counts in report_rows(plan):
        parts = [
            f"{count} {name}" for name, count in counts.items() if count or name == "unchanged"
        ]
        lines.append(
            gettext("{title}: {changes}").format(
                title=title, changes=", ".join(parts) if parts else gettext("no change")
            )
        )
    lines.extend(gettext("Note: {note}").format(note=note) for note in plan.notes)
    return lines

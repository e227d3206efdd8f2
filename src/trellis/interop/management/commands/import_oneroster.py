"""``trellis import-oneroster FILE [--dry-run]``: import a OneRoster 1.2 CSV zip.

Exits 1, listing every problem with its file, line and column, when the file
is refused (nothing is written); 0 otherwise. ``--dry-run`` prints what the
file would change and writes nothing."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from trellis.interop.oneroster import RosterRefused, import_roster, report_lines


class Command(BaseCommand):
    help = "Import a OneRoster 1.2 CSV zip (all or nothing); --dry-run shows what would change."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the OneRoster zip")
        parser.add_argument(
            "--dry-run", action="store_true", help="plan only: show the changes, write nothing"
        )
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}", returncode=1)
        dry_run = options["dry_run"]
        try:
            plan = import_roster(str(path), dry_run=dry_run, filename=path.name)
        except RosterRefused as refused:
            for line in refused.report():
                self.stderr.write(line)
            raise CommandError(
                f"{path.name} was refused: {len(refused.problems)} problem(s); nothing was imported.",
                returncode=1,
            ) from None
        if options["json"]:
            self.stdout.write(
                json.dumps({"dry_run": dry_run, "changes": plan.summary, "notes": plan.notes})
            )
            return
        heading = "Dry run: nothing was written. The file would change:" if dry_run else "Imported:"
        self.stdout.write(heading)
        for line in report_lines(plan):
            self.stdout.write(f"  {line}")

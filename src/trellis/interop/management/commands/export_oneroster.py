"""``trellis export-oneroster FILE``: write a OneRoster 1.2 CSV zip (bulk)
that imports back to the same roster."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from trellis.interop.oneroster import export_roster


class Command(BaseCommand):
    help = "Export every school, term, class, person and enrollment as a OneRoster 1.2 CSV zip."

    def add_arguments(self, parser):
        parser.add_argument("file", help="where to write the zip")
        parser.add_argument(
            "--claim",
            action="store_true",
            help=(
                "first give schools, classes, accounts and links made in Trellis sourcedIds "
                "(source 'trellis'), so that they are exported too"
            ),
        )

    def handle(self, *args, **options):
        counts = export_roster(options["file"], claim=options["claim"])
        summary = ", ".join(f"{count} {name}" for name, count in counts.items()) or "nothing"
        self.stdout.write(f"Wrote {options['file']}: {summary}.")

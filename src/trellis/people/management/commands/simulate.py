import sys

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Simulate learners and write their responses as CSV (see docs/simulator.md)."

    def run_from_argv(self, argv):
        # The simulator owns its own argument parsing (trellis.engine.simulate.main).
        from trellis.engine.simulate import main

        sys.exit(main(argv[2:]))

    def handle(self, *args, **opts):  # pragma: no cover - run_from_argv handles it
        raise CommandError("Run as: trellis simulate --learners N --out FILE")

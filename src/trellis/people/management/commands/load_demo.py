import time

from django.core.management.base import BaseCommand

from trellis.people.demo import DEMO_PASSWORD, demo_load, demo_logins


class Command(BaseCommand):
    help = "Load the demo school (people, classes, curriculum, a month of activity) once."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--days", type=int, default=30, help="Days of simulated activity.")

    def handle(self, *args, **opts):
        started = time.perf_counter()
        demo = demo_load(seed=opts["seed"], days=opts["days"])
        if demo.created:
            self.stdout.write(
                f"Loaded {demo.school.name}: {len(demo.classes)} classes "
                f"in {time.perf_counter() - started:.1f} s."
            )
        else:
            self.stdout.write(f"{demo.school.name} is already loaded; nothing changed.")
        self.stdout.write(f"\nDemo sign-ins (password for every account: {DEMO_PASSWORD}):")
        for username, what in demo_logins():
            self.stdout.write(f"  {username:<10} {what}")

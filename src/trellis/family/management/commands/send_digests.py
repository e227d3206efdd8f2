"""``trellis send-digests``: send the weekly family digest (run from cron,
see docs/family.md)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from trellis.family.digest import digests_send


class Command(BaseCommand):
    help = "Send the weekly digest to every guardian who has not turned it off."

    def handle(self, *args: object, **options: object) -> None:
        sent = digests_send()
        self.stdout.write(f"Sent {sent} digest(s).")

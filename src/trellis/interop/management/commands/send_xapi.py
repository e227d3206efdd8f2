"""``trellis send-xapi``: send queued statements to the configured LRS.
Run it from cron or a timer (every minute, say); failures are retried with
backoff on later runs."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from trellis.interop.xapi.outbox import lrs_url, outbox_send

NO_LRS = "TRELLIS_XAPI_LRS_URL is not set: there is no LRS to send to."


class Command(BaseCommand):
    help = "Send queued xAPI statements to the outside LRS."

    def handle(self, *args, **options):
        if not lrs_url():
            raise CommandError(NO_LRS)
        self.stdout.write(json.dumps(outbox_send()) + "\n")

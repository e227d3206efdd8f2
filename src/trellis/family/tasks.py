"""The weekly digest as background work: one task per guardian (see trellis.jobs)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone
from django.utils.translation import gettext_noop

from trellis.family.digest import digest_send, guardians_to_send, week_of
from trellis.jobs.runner import tracked
from trellis.jobs.texts import task_text
from trellis.people.selectors import first_guardian_school, people_with_ids

# Stored in English and shown in the reader's language (trellis.jobs.texts).
DIGEST_LABEL = task_text(gettext_noop("Weekly digest for {name}, week of {week}"))
DIGEST_SENT = task_text(gettext_noop("Sent"))
DIGEST_SKIPPED = task_text(gettext_noop("Already sent this week"))


@shared_task(bind=True, name="trellis.send_digest", max_retries=3, acks_late=True)
def send_digest(self, guardian_id: int, at: str | None = None, run_id: str | None = None) -> bool:
    """Send one guardian the digest of the week containing ``at`` (ISO time;
    now by default), once: a week already sent is skipped."""
    guardian = people_with_ids([guardian_id]).get()
    now = dt.datetime.fromisoformat(at) if at else timezone.now()
    school = first_guardian_school(guardian)
    label = DIGEST_LABEL.format(
        name=guardian.get_full_name() or guardian.username, week=week_of(now)
    )
    with tracked(self, run_id=run_id, label=label, school=school) as run:
        sent = digest_send(guardian=guardian, now=now)
        run.report = {"sent": sent, "week": week_of(now).isoformat()}
        run.message = DIGEST_SENT if sent else DIGEST_SKIPPED
    return sent


@shared_task(name="trellis.send_all_digests")
def send_all_digests() -> int:
    """The weekly schedule: one digest task per guardian due one, all for the same week."""
    at = timezone.now().isoformat()
    guardians = guardians_to_send()
    for guardian in guardians:
        send_digest.delay(guardian.pk, at)
    return len(guardians)

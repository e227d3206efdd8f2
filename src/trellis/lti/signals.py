"""A recorded answer in an assessment attempt queues the attempt's score for
the LMS links placed on that assessment (once the answer is committed). A
signal keeps the evidence app free of any knowledge of LTI, and the
answer's own transaction gains no statement."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from trellis.lti.models import ResourceLink

if TYPE_CHECKING:
    from trellis.evidence.models import Response


# The sender by label: evidence's models are read through its selectors.
@receiver(post_save, sender="evidence.Response", dispatch_uid="trellis-lti-scores")
def _queue_scores(sender, instance: Response, created: bool, **kwargs) -> None:
    if not created or instance.attempt_id is None:
        return
    attempt_id, school_id = instance.attempt_id, instance.school_id

    def _send() -> None:
        # After the commit, outside the answer's short transaction: only a
        # school with launched LMS links queues anything.
        if not ResourceLink.objects.filter(platform__school_id=school_id).exists():
            return
        from trellis.lti.tasks import send_scores

        send_scores.delay(attempt_id)

    transaction.on_commit(_send)

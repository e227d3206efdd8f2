"""LTI work off the request: scores to the LMS after a learner answers.
Sent through Celery (in-process when no broker is configured: the demo,
the tests), retried when the LMS does not answer; a retry never sends a
score twice (see ``scores``)."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from trellis.lti.scores import scores_for_attempt


@shared_task(bind=True, name="trellis.lti_send_scores", max_retries=5, acks_late=True)
def send_scores(self, attempt_id: int) -> int:
    try:
        return scores_for_attempt(attempt_id)
    except Exception as error:
        raise self.retry(exc=error, countdown=settings.TRELLIS_TASK_RETRY_SECONDS) from error

"""Assignment and Grade Services: a learner's score on a placed assessment
goes to the link's LMS line item, with their mastery levels as the comment.

OF-learning scores always go; FOR-learning ones when the teacher ticked
that box while placing the link; AS-learning never. What is sent is recorded
(``ScoreSent``) under a fingerprint of the payload without its timestamp,
so a retry, or the same score computed twice, is sent once."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import TYPE_CHECKING

import requests
from django.db import IntegrityError, transaction
from django.utils import timezone
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.grade import Grade
from pylti1p3.service_connector import ServiceConnector

from trellis.evidence.constants import FOR_LEARNING, OF_LEARNING
from trellis.evidence.selectors.answers import answers_of_attempt_in_order, attempt_with_assessment
from trellis.evidence.selectors.records import records_for_items
from trellis.lti.config import registration_for
from trellis.lti.models import (
    KIND_ASSESSMENT,
    SCORE_FAILED,
    SCORE_SENT,
    LinkedAccount,
    ResourceLink,
    ScoreSent,
)

if TYPE_CHECKING:
    from trellis.evidence.models import Attempt, Response

logger = logging.getLogger("trellis.lti")

SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"


def links_for_attempt(attempt: Attempt) -> list[ResourceLink]:
    """The launched links whose scores this attempt feeds."""
    purpose = attempt.assessment.purpose
    if purpose not in (OF_LEARNING, FOR_LEARNING):
        return []
    links = ResourceLink.objects.filter(
        placement__kind=KIND_ASSESSMENT,
        placement__target_id=attempt.assessment_id,
        platform__school_id=attempt.assessment.school_id,
        platform__active=True,
        platform__accounts__user_id=attempt.learner_id,
    ).exclude(lineitem_url="")
    if purpose == FOR_LEARNING:
        links = links.filter(placement__send_for_scores=True)
    return list(links.select_related("platform").distinct())


def score_payload(attempt: Attempt, sub: str) -> dict:
    """The AGS score for the attempt as it stands: answered items' latest
    scores out of the items drawn, and the mastery level of each competency
    the items assess."""
    latest: dict[int, Response] = {}
    for response in answers_of_attempt_in_order(attempt):
        latest[response.item_id] = response
    given = 0.0
    pending = False
    for response in latest.values():
        if response.score is not None:
            given += response.score
        elif response.correct is not None:
            given += 1.0 if response.correct else 0.0
        else:
            pending = True
    maximum = float(len(attempt.item_ids) or 1)
    complete = len(latest) >= len(attempt.item_ids)
    records = records_for_items(attempt.learner_id, attempt.item_ids)
    comment = "; ".join(f"{r.competency.label}: {r.get_level_display()}" for r in records)
    return {
        "userId": sub,
        "scoreGiven": round(given, 4),
        "scoreMaximum": maximum,
        "activityProgress": "Completed" if complete else "InProgress",
        "gradingProgress": "FullyGraded" if complete and not pending else "Pending",
        "comment": f"Mastery — {comment}" if comment else "",
    }


def fingerprint(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def score_send(
    *, link: ResourceLink, attempt: Attempt, session: requests.Session | None = None
) -> ScoreSent | None:
    """Send the attempt's score to the link's line item unless this very
    score was sent already. Returns the record (None when nothing to send)."""
    account = LinkedAccount.objects.filter(
        platform=link.platform, user_id=attempt.learner_id
    ).first()
    if account is None:
        return None
    payload = score_payload(attempt, account.sub)
    mark = fingerprint(payload)
    try:
        with transaction.atomic():
            record, _created = ScoreSent.objects.get_or_create(
                link=link,
                learner_id=attempt.learner_id,
                fingerprint=mark,
                defaults={"payload": payload},
            )
    except IntegrityError:  # a concurrent sender recorded it first
        record = ScoreSent.objects.get(link=link, learner_id=attempt.learner_id, fingerprint=mark)
    if record.status == SCORE_SENT:
        return record
    grade = (
        Grade()
        .set_user_id(payload["userId"])
        .set_score_given(payload["scoreGiven"])
        .set_score_maximum(payload["scoreMaximum"])
        .set_activity_progress(payload["activityProgress"])
        .set_grading_progress(payload["gradingProgress"])
        .set_timestamp(timezone.now().isoformat())
    )
    if payload["comment"]:
        grade.set_comment(payload["comment"])
    connector = ServiceConnector(registration_for(link.platform), requests_session=session)
    service = AssignmentsGradesService(
        connector, {"scope": link.scopes or [SCORE_SCOPE], "lineitem": link.lineitem_url}
    )
    try:
        service.put_grade(grade)
    except Exception as error:
        ScoreSent.objects.filter(pk=record.pk).update(status=SCORE_FAILED, error=str(error)[:2000])
        logger.warning("LTI score for link %s not sent: %s", link.pk, error)
        raise
    ScoreSent.objects.filter(pk=record.pk).update(
        status=SCORE_SENT, sent_at=timezone.now(), error=""
    )
    record.refresh_from_db()
    return record


def scores_for_attempt(attempt_id: int) -> int:
    """Send the attempt's score to every link it feeds; how many were sent."""
    attempt = attempt_with_assessment(attempt_id)
    if attempt is None:
        return 0
    sent = 0
    for link in links_for_attempt(attempt):
        if score_send(link=link, attempt=attempt) is not None:
            sent += 1
    return sent

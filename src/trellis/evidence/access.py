"""Fetching assessments and evidence on someone's behalf (404 when unseen,
403 when seen but not allowed), as ``trellis.people.access`` does."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from trellis.evidence.models import Assessment, Attempt, Response, ResponseProduct
from trellis.people.access import FORBIDDEN, NOT_FOUND, NotVisible, get_or_not_visible

if TYPE_CHECKING:
    from trellis.people.models import User


def access_assessment(user: User, assessment_id: object) -> Assessment:
    assessment = get_or_not_visible(Assessment, assessment_id)
    if not user.has_perm("evidence.view_assessment", assessment):
        raise NotVisible(NOT_FOUND)
    return assessment


def access_assessment_to_manage(user: User, assessment_id: object) -> Assessment:
    assessment = access_assessment(user, assessment_id)
    if not user.has_perm("evidence.manage_assessment", assessment):
        raise PermissionDenied(FORBIDDEN)
    return assessment


def access_assessment_to_take(user: User, assessment_id: object) -> Assessment:
    """Anyone who cannot see it gets 404; a teacher who can see it but is not
    assigned gets 403 with the reason."""
    from trellis.evidence.services.assessments import NOT_ASSIGNED

    assessment = access_assessment(user, assessment_id)
    if not user.has_perm("evidence.take_assessment", assessment):
        raise PermissionDenied(NOT_ASSIGNED)
    return assessment


def access_response(user: User, response_id: object) -> Response:
    response = get_or_not_visible(Response, response_id)
    if not user.has_perm("evidence.view_response", response):
        raise NotVisible(NOT_FOUND)
    return response


def access_response_to_score(user: User, response_id: object) -> Response:
    response = access_response(user, response_id)
    if not user.has_perm("evidence.score_response", response):
        raise PermissionDenied(FORBIDDEN)
    return response


def access_product(user: User, response_id: object):
    """The file attached to a response, for the learner, their guardians,
    their teachers and their school's admins; anyone else is told there is
    no such file (its existence is not revealed)."""
    product = (
        ResponseProduct.objects.select_related("response__learner")
        .filter(response_id=response_id)
        .first()
    )
    if product is None or not user.has_perm("evidence.view_product", product.response):
        raise NotVisible(NOT_FOUND)
    return product


def may_practise(user: User, item) -> bool:
    """Whether the person may answer this item outside an assessment. The
    rule itself, not ``has_perm``: an operator is not a learner and does
    not practise."""
    from trellis.evidence.rules import can_practise_item

    return can_practise_item.test(user, item)


def access_response_to_self_rate(user: User, response_id: object) -> Response:
    """A response its own learner may rate with the rubric (kind=self)."""
    response = access_response(user, response_id)
    if not user.has_perm("evidence.self_rate_response", response):
        raise PermissionDenied(FORBIDDEN)
    return response


def access_attempt_to_answer(user: User, attempt_id: object) -> Attempt:
    """The caller's own attempt, with its assessment and class (one query:
    the answer path counts its round trips); anyone else's is not found."""
    attempt = (
        Attempt.objects.select_related("assessment__school_class").filter(pk=attempt_id).first()
    )
    if attempt is None or attempt.learner_id != user.pk:
        raise NotVisible(NOT_FOUND)
    return attempt


def access_own_attempt(user: User, assessment: Assessment) -> Attempt:
    """The caller's attempt at ``assessment``; none is not found."""
    attempt = Attempt.objects.filter(assessment=assessment, learner=user).first()
    if attempt is None:
        raise NotVisible(NOT_FOUND)
    return attempt


def scores_hidden_from(user: User, response: Response) -> bool:
    """OF-learning scores stay hidden from the learner (and family) until the
    assessment closes; the people who manage the assessment see them."""
    if response.attempt_id is None:
        return False
    assessment = response.attempt.assessment
    if assessment.shows_feedback():
        return False
    return not user.has_perm("evidence.manage_assessment", assessment)

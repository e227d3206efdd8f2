"""Notifications and the weekly digest are written in each recipient's
language: the one chosen on their account, the site's default otherwise."""

from __future__ import annotations

import pytest
from django.core import mail

from tests.family.test_digest_and_language import _with_email
from tests.personalization.conftest import api, choice_body, goal_body, make_framework, post
from trellis.family import digest
from trellis.family.models import DigestPreference
from trellis.personalization.models import Notification
from trellis.personalization.services import goals as goal_svc

pytestmark = pytest.mark.django_db


def _choose(user, language: str) -> None:
    user.language = language
    user.save(update_fields=["language"])


def test_one_notification_reaches_each_recipient_in_their_language(world):
    _choose(world.learner, "es")
    _choose(world.sibling, "en")
    competency = make_framework(world.school)[1][0]
    r = post(api(world.teacher), "/proposals/choices", choice_body(world, competency))
    assert r.status_code == 201, r.content
    spanish = Notification.objects.get(recipient=world.learner).text
    english = Notification.objects.get(recipient=world.sibling).text
    assert english == f"Choose how to show {competency.label}: Show ratios"
    assert spanish == f"Elige cómo demostrar {competency.label}: Show ratios"


def test_no_language_chosen_gets_the_site_default(world, settings):
    settings.LANGUAGE_CODE = "es"
    _choose(world.learner, "")
    goal = goal_svc.goal_create(
        learner=world.learner,
        title="Ratios",
        benchmarks=goal_body()["benchmarks"],
    )
    goal_svc.goal_review(goal=goal, reviewer=world.teacher, decision="approve")
    (note,) = Notification.objects.filter(recipient=world.learner)
    assert note.text == f"{world.teacher} aprobó tu meta: Ratios"


def test_review_sentence_is_whole_in_english(world):
    goal = goal_svc.goal_create(
        learner=world.learner,
        title="Ratios",
        benchmarks=goal_body()["benchmarks"],
    )
    goal_svc.goal_review(goal=goal, reviewer=world.teacher, decision="changes", comment="More")
    (note,) = Notification.objects.filter(recipient=world.learner)
    assert note.text == f"{world.teacher} asked for changes to your goal: Ratios"


def test_digest_follows_the_guardians_account_language(world):
    _with_email(world.guardian)
    _choose(world.guardian, "es")
    assert not DigestPreference.objects.filter(guardian=world.guardian).exists()
    digest.digests_send()
    (message,) = mail.outbox
    assert message.subject == "Tu resumen semanal de Trellis"


def test_account_language_wins_over_the_one_kept_with_the_digest(world):
    _with_email(world.guardian)
    DigestPreference.objects.create(guardian=world.guardian, language="es")
    _choose(world.guardian, "en")
    digest.digests_send()
    (message,) = mail.outbox
    assert message.subject == "Your weekly Trellis digest"

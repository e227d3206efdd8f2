"""The weekly digest (HTML and text, sent through the email backend, off
when the guardian says so, in their language), the Spanish family page and
the live fragment picking up new evidence."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tests.differentiation.conftest import answer
from tests.family.conftest import client_for
from trellis.family import digest, services
from trellis.family.models import DigestPreference
from trellis.family.services import UNKNOWN_LANGUAGE

pytestmark = pytest.mark.django_db


def _with_email(*users):
    for n, user in enumerate(users):
        user.email = f"family{n}@example.org"
        user.save(update_fields=["email"])


def test_digest_goes_to_guardians_with_both_parts(world, other_world, family):
    _with_email(world.guardian, world.dual, other_world.guardian, world.teacher)
    call_command("send_digests")
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["family0@example.org", "family1@example.org", "family2@example.org"]
    message = next(m for m in mail.outbox if m.to == ["family0@example.org"])
    assert message.subject == "Your weekly Trellis digest"
    html = message.alternatives[0][0]
    for part in (message.body, html):
        assert str(world.learner) in part and str(world.sibling) in part
        assert str(world.other_learner) not in part
        assert "s1_Upcoming quiz A" in part and "s1_Overdue quiz A" in part
        assert "One thing to ask your child about" in part
        # One right answer this week took 6.RP.1 from not started to familiar
        # (the mastery history), so that is what to ask about.
        assert "Moved up: s16.RP.1 (Not started → Familiar)" in part
        assert "Ask them to show you how they do: s16.RP.1" in part
    assert "<h2>" in html and "<h2>" not in message.body


def test_digest_off_is_not_sent(world, family):
    _with_email(world.guardian)
    services.digest_preference_set(guardian=world.guardian, weekly_digest=False)
    assert digest.digests_send() == 0
    assert mail.outbox == []


def test_digest_in_spanish(world, family):
    _with_email(world.guardian)
    services.digest_preference_set(guardian=world.guardian, weekly_digest=True, language="es")
    digest.digests_send()
    (message,) = mail.outbox
    assert message.subject == "Tu resumen semanal de Trellis"
    assert "Algo que preguntar a tu hijo o hija" in message.body
    assert DigestPreference.objects.get(guardian=world.guardian).last_sent_at is not None


def test_unknown_language_is_named(world):
    with pytest.raises(Exception, match="Unknown language 'xx'"):
        services.digest_preference_set(guardian=world.guardian, weekly_digest=True, language="xx")
    assert "{value!r}" in UNKNOWN_LANGUAGE


def test_preference_form_turns_digest_off(world, family):
    client = client_for(world.guardian)
    response = client.post("/family/digest/", {"next_child": world.learner.pk})
    assert response.status_code == 302
    assert DigestPreference.objects.get(guardian=world.guardian).weekly_digest is False
    assert client_for(world.teacher).post("/family/digest/", {}).status_code == 404


def test_spanish_page(world, family):
    client = client_for(world.guardian)
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    page = client.get(f"/family/children/{world.learner.pk}/").content.decode()
    assert 'lang="es"' in page
    for words in (
        "Progreso por competencia",
        "Metas y puntos de control",
        "Trabajo próximo y atrasado",
        "Cerrar sesión",
    ):
        assert words in page
    assert "Progress by competency" not in page


def test_live_fragment_shows_new_evidence(world, family):
    client = client_for(world.guardian)
    url = f"/family/children/{world.learner.pk}/live/"
    before = client.get(url).content.decode()
    assert "1 new answer<" in before
    answer(world.learner, family.curriculum.prereq_item, True)
    after = client.get(url).content.decode()
    assert "2 new answers" in after
    page = client.get(f"/family/children/{world.learner.pk}/").content.decode()
    assert 'hx-get="/family/children/' in page and 'hx-trigger="every 5s"' in page


def test_live_fragment_is_cheap(world, family, django_assert_num_queries):
    client = client_for(world.guardian)
    url = f"/family/children/{world.learner.pk}/live/"
    # The session, the guardian, the child, the roles and the guardianship,
    # then one query per kind of record (assignments, assessments, attempts,
    # answers, mastery, mastery changes, goals, benchmarks, two benchmark
    # windows, plans, portfolio): seventeen, and the same to answer a 304
    # (the ETag is computed from the same reads).
    with django_assert_num_queries(17):
        first = client.get(url)
    assert first.status_code == 200
    # Nothing changed: an empty 304 (no body to send or swap).
    with django_assert_num_queries(17):
        same = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert same.status_code == 304 and same.content == b""
    assert same["ETag"] == first["ETag"]


def test_every_section_of_the_guardian_view_updates(world, family):
    """Goals, feedback, work and mastery all come with the polled fragment:
    a change to any of them changes the answer from 304 to 200."""
    from trellis.evidence.services import assessment_create
    from trellis.personalization.services.goals import goal_create

    client = client_for(world.guardian)
    url = f"/family/children/{world.learner.pk}/live/"
    etag = client.get(url)["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304

    def changed(text: str) -> None:
        nonlocal etag
        fresh = client.get(url, headers={"If-None-Match": etag})
        assert fresh.status_code == 200
        assert text in fresh.content.decode()
        assert fresh["ETag"] != etag
        etag = fresh["ETag"]
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304

    goal_create(
        learner=world.learner,
        title="Read a chapter a day",
        benchmarks=[
            {
                "description": "Five chapters",
                "success_looks_like": "done",
                "due_on": timezone.localdate() + dt.timedelta(days=7),
            }
        ],
    )
    changed("Read a chapter a day")
    assessment_create(
        school_class=world.class_a,
        title="Fresh quiz",
        purpose="for",
        created_by=world.teacher,
        items=[family.curriculum.objective_item],
        closes_at=timezone.now() + dt.timedelta(days=2),
    )
    changed("Fresh quiz")
    answer(world.learner, family.curriculum.prereq_item, True)
    changed("2 new answers")
    # Anyone else gets 404, whatever ETag they send.
    for stranger in (world.stranger, world.teacher, world.learner):
        assert client_for(stranger).get(url, headers={"If-None-Match": etag}).status_code == 404


def test_anonymous_cannot_post_preference(world):
    assert Client().post("/family/digest/", {}).status_code == 302

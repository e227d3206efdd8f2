"""The header: menus by role and grouped, and a language switch for everyone
that a signed-in person keeps on their account (issue 20)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from trellis.people.menus import menu_for
from trellis.people.models import User
from trellis.people.services import UNKNOWN_LANGUAGE, user_language_set

pytestmark = pytest.mark.django_db


def _groups(user: User) -> dict[str, list[str]]:
    return {g.key: [link.url for link in g.links] for g in menu_for(user)}


def test_a_teacher_plans_teaches_assesses_and_reports(world):
    groups = _groups(world.teacher)
    assert list(groups) == ["plan", "teach", "assess", "report"]
    assert reverse("diff-home") in groups["plan"]
    assert reverse("assessment-list") in groups["assess"]
    assert reverse("continuum") in groups["report"]
    assert reverse("diff-my-group") not in sum(groups.values(), [])


def test_an_admin_sees_people_curriculum_and_data(world):
    groups = _groups(world.admin)
    assert list(groups) == ["people", "curriculum", "data"]
    assert reverse("framework-list") in groups["curriculum"]


def test_a_guardian_gets_family_items_and_no_learner_items(world):
    groups = _groups(world.guardian)
    assert list(groups) == ["family"]
    links = groups["family"]
    assert reverse("family") in links
    for learner_only in ("diff-my-group", "my-competencies", "assessment-list", "my-modules"):
        assert reverse(learner_only) not in links


def test_a_teacher_who_is_a_guardian_gets_both_and_each_link_once(world):
    groups = _groups(world.dual)
    assert list(groups) == ["plan", "teach", "assess", "report", "family"]
    urls = sum(groups.values(), [])
    assert len(urls) == len(set(urls))


def test_the_guardian_page_shows_no_my_group_link(world):
    client = Client()
    client.force_login(world.guardian)
    body = client.get("/").content.decode()
    # One group: its links stand in the menu itself, no disclosure button.
    assert f'href="{reverse("family")}"' in body
    assert "menu-group-toggle" not in body
    assert f'href="{reverse("diff-my-group")}"' not in body


def test_the_language_switch_is_in_every_header_signed_in_or_not(world):
    anonymous = Client().get(reverse("login")).content.decode()
    assert f'action="{reverse("set_language")}"' in anonymous
    client = Client()
    client.force_login(world.teacher)
    assert f'action="{reverse("set_language")}"' in client.get("/").content.decode()


def test_the_choice_is_kept_on_the_account_and_follows_it_to_a_new_session(world):
    client = Client()
    client.force_login(world.teacher)
    response = client.post(reverse("set_language"), {"language": "es", "next": "/"})
    assert response.status_code == 302
    world.teacher.refresh_from_db()
    assert world.teacher.language == "es"
    # Another device: no cookie, a browser asking for English.
    fresh = Client(HTTP_ACCEPT_LANGUAGE="en")
    fresh.force_login(world.teacher)
    page = fresh.get("/")
    assert re.search(r'<html lang="es"', page.content.decode())
    assert page["Content-Language"] == "es"


def test_an_anonymous_visitor_keeps_the_choice_in_a_cookie(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.post(reverse("set_language"), {"language": "es", "next": "/accounts/login/"})
    page = client.get(reverse("login"))
    assert '<html lang="es"' in page.content.decode()
    assert User.objects.exclude(language="").count() == 0


def test_an_unknown_language_is_refused_by_name(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        user_language_set(user=world.teacher, language="xx")
    expected = UNKNOWN_LANGUAGE.format(value="xx", choices="en, es")
    assert expected in refused.value.message_dict["language"]
    # Through the switch it changes nothing.
    client = Client()
    client.force_login(world.teacher)
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    world.teacher.refresh_from_db()
    assert world.teacher.language == ""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client, override_settings

from tests.factories import PASSWORD
from trellis.people.forms import WRONG_CREDENTIALS
from trellis.people.throttle import throttle_message

pytestmark = pytest.mark.django_db


def _post(client: Client, username: str, password: str):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_right_password_signs_in_and_lands_on_home(world):
    client = Client()
    response = _post(client, world.teacher.username, PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("which", ["unknown user", "wrong password"])
def test_wrong_credentials_get_the_same_message_without_detail(world, which):
    username = "nobody-here" if which == "unknown user" else world.teacher.username
    response = _post(Client(), username, "not-the-password")
    body = response.content.decode()
    assert response.status_code == 200
    assert str(WRONG_CREDENTIALS) in body
    assert "no such user" not in body.lower() and "incorrect password" not in body.lower()


@override_settings(LOGIN_THROTTLE_ATTEMPTS=3)
def test_repeated_failures_are_throttled_even_with_the_right_password(world):
    client = Client()
    for _ in range(3):
        _post(client, world.teacher.username, "guess")
    response = _post(client, world.teacher.username, PASSWORD)
    assert response.status_code == 429
    assert throttle_message() in response.content.decode()
    assert client.get("/").status_code == 302  # still signed out
    # Another account is not locked by someone guessing this one.
    assert _post(Client(), world.learner.username, PASSWORD).status_code == 302


@override_settings(LOGIN_THROTTLE_ATTEMPTS=3)
def test_success_clears_the_failure_count(world):
    client = Client()
    _post(client, world.teacher.username, "guess")
    _post(client, world.teacher.username, "guess")
    assert _post(client, world.teacher.username, PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username=world.teacher.username).exists()


def test_sign_out_requires_post_and_ends_the_session(world):
    client = Client()
    client.force_login(world.learner)
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302

"""Finding 2: sign-in throttling (django-axes) keyed on the normalised
username and on the client address taken from a trusted proxy's
X-Forwarded-For; atomic under concurrency."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client, override_settings

from tests.factories import PASSWORD
from trellis.people.forms import WRONG_CREDENTIALS
from trellis.people.models import User
from trellis.people.throttle import ADDRESS_FACTOR, normalise_username, throttle_message

PROXY = "10.0.0.5"
ATTACKER = "203.0.113.9"
BYSTANDER = "198.51.100.7"


def _post(username, password, **meta):
    return Client().post("/accounts/login/", {"username": username, "password": password}, **meta)


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def test_normalisation_folds_width_and_case():
    assert normalise_username("ＬＥＡＲＮＥＲ９３") == "learner93"
    assert normalise_username(" Learner93 ") == "learner93"
    assert normalise_username("lear\x00ner") == "learner"


@pytest.mark.django_db
@override_settings(LOGIN_THROTTLE_ATTEMPTS=5)
def test_unicode_variants_of_a_username_share_one_counter(world):
    name = world.learner.username
    variants = [name, _fullwidth(name), name.upper(), _fullwidth(name.upper()), name.title()]
    for variant in variants:
        response = _post(variant, "guess")
        assert response.status_code in (200, 429)
        assert "incorrect password" not in response.content.decode().lower()
    refused = _post(name, PASSWORD)
    assert refused.status_code == 429
    assert throttle_message() in refused.content.decode()
    assert str(WRONG_CREDENTIALS) not in refused.content.decode()


@pytest.mark.django_db
@override_settings(LOGIN_THROTTLE_ATTEMPTS=5, TRELLIS_TRUSTED_PROXIES=[PROXY])
def test_fifty_failures_through_the_proxy_do_not_lock_everyone_out(world):
    limit = 5 * ADDRESS_FACTOR
    for n in range(limit):
        # A different username each time: only the address count grows.
        _post(f"nobody{n}", "guess", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER)
    # The guesser's own address is now throttled, even with a right password...
    from_attacker = _post(
        world.teacher.username, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER
    )
    assert from_attacker.status_code == 429
    # ...while everyone else behind the same proxy signs in.
    ok = _post(
        world.teacher.username,
        PASSWORD,
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=f"{BYSTANDER}, {PROXY}",
    )
    assert ok.status_code == 302, ok.content.decode()[:300]


@pytest.mark.django_db
@override_settings(LOGIN_THROTTLE_ATTEMPTS=5, TRELLIS_TRUSTED_PROXIES=[])
def test_forwarded_for_from_an_untrusted_peer_is_ignored(world):
    """Without a trusted proxy, a guesser cannot dodge the address count by
    sending a new X-Forwarded-For each time."""
    for n in range(5 * ADDRESS_FACTOR):
        _post(f"nobody{n}", "guess", REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    refused = _post(
        world.teacher.username, PASSWORD, REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=BYSTANDER
    )
    assert refused.status_code == 429
    assert _post(world.teacher.username, PASSWORD, REMOTE_ADDR=BYSTANDER).status_code == 302


@pytest.mark.django_db
def test_a_nul_byte_in_the_username_is_refused_not_an_error(world):
    response = _post("lear\x00ner", "guess")
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@override_settings(LOGIN_THROTTLE_ATTEMPTS=5)
def test_thirty_concurrent_wrong_passwords_are_evaluated_at_most_five_times(world, monkeypatch):
    evaluated = []
    lock = threading.Lock()
    original = User.check_password

    def counting(self, raw):
        with lock:
            evaluated.append(raw)
        return original(self, raw)

    monkeypatch.setattr(User, "check_password", counting)
    barrier = threading.Barrier(30)
    statuses = []

    def attempt(n: int) -> None:
        try:
            barrier.wait()
            statuses.append(_post(world.learner.username, f"guess{n}").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(statuses) == 30
    assert len(evaluated) <= 5
    assert statuses.count(429) >= 25

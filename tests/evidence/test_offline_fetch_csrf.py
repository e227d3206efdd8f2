"""The offline worker's background fetches never set the CSRF cookie (a late
one would spoil the sign-in form open in the tab); ordinary visits do."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from trellis.evidence.offline_middleware import OFFLINE_FETCH_HEADER

pytestmark = pytest.mark.django_db


def test_a_worker_fetch_sets_no_csrf_cookie_and_a_visit_does():
    client = Client()
    visit = client.get("/accounts/login/")
    assert settings.CSRF_COOKIE_NAME in visit.cookies
    fresh = Client()
    fetched = fresh.get("/accounts/login/", headers={OFFLINE_FETCH_HEADER: "1"})
    assert fetched.status_code == 200
    assert settings.CSRF_COOKIE_NAME not in fetched.cookies

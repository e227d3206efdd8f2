"""Registering an LMS (page and API), the tool's published keys and their
rotation, and who may do each: a school's admins for that school only,
through the page, the API with a session and the API with a bearer token."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from trellis.api.models import ApiToken
from trellis.lti import keys
from trellis.lti.models import Platform, ToolKey
from trellis.lti.services import NO_DEPLOYMENT, PLATFORM_TAKEN, platform_register

pytestmark = pytest.mark.django_db
API = "/api/v1"


def _payload(school, **changes) -> dict:
    data = {
        "school_id": school.pk,
        "name": "Moodle",
        "issuer": "https://moodle.example.edu",
        "client_id": "abc123",
        "deployment_ids": ["1"],
        "auth_login_url": "https://moodle.example.edu/mod/lti/auth.php",
        "auth_token_url": "https://moodle.example.edu/mod/lti/token.php",
        "key_set_url": "https://moodle.example.edu/mod/lti/certs.php",
        "create_accounts": False,
    }
    data.update(changes)
    return data


def _register(school, **changes):
    data = _payload(school, **changes)
    data.pop("school_id")
    return platform_register(school=school, **data)


class Caller:
    """The API as a session or as a bearer token."""

    def __init__(self, user, how: str):
        self.client = Client()
        self.headers: dict[str, str] = {}
        if how == "session":
            self.client.force_login(user)
        else:
            _record, raw = ApiToken.issue(user=user, name="t")
            self.headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def get(self, path):
        return self.client.get(f"{API}{path}", **self.headers)

    def post(self, path, body=None):
        return self.client.post(
            f"{API}{path}", body or {}, content_type="application/json", **self.headers
        )

    def patch(self, path, body):
        return self.client.patch(
            f"{API}{path}", body, content_type="application/json", **self.headers
        )


@pytest.mark.parametrize("how", ["session", "bearer"])
def test_a_school_admin_registers_lists_and_changes_a_platform_through_the_api(
    school_a, school_b, how
):
    api = Caller(school_a.admin, how)
    made = api.post("/lti/platforms", _payload(school_a.school))
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["school_id"] == school_a.school.pk and body["deployment_ids"] == ["1"]
    _register(school_b.school, client_id="theirs")
    listed = api.get("/lti/platforms").json()
    assert [p["client_id"] for p in listed] == ["abc123"]
    changed = api.patch(
        f"/lti/platforms/{body['id']}", {"create_accounts": True, "deployment_ids": ["1", "2"]}
    )
    assert changed.status_code == 200
    platform = Platform.objects.get(pk=body["id"])
    assert platform.create_accounts and platform.deployment_ids == ["1", "2"]
    tool = api.get("/lti/tool").json()
    assert tool["jwks_url"] == "http://testserver/lti/jwks/"
    assert tool["login_url"] == "http://testserver/lti/login/"
    assert tool["key_id"] == keys.current_key().kid


def test_bad_registrations_are_refused_with_the_reason(school_a):
    api = Caller(school_a.admin, "session")
    _register(school_a.school)
    again = api.post("/lti/platforms", _payload(school_a.school))
    assert again.status_code == 400 and str(PLATFORM_TAKEN) in again.json()["detail"]
    empty = api.post(
        "/lti/platforms", _payload(school_a.school, client_id="x", deployment_ids=[" "])
    )
    assert empty.status_code == 400 and str(NO_DEPLOYMENT) in empty.json()["detail"]
    bad_url = api.post(
        "/lti/platforms", _payload(school_a.school, client_id="y", key_set_url="nope")
    )
    assert bad_url.status_code == 400 and "key_set_url" in bad_url.json()["detail"]
    assert Platform.objects.count() == 1


@pytest.mark.parametrize("how", ["session", "bearer"])
@pytest.mark.parametrize("who", ["teacher", "learner", "guardian", "stranger"])
def test_only_the_schools_admins_manage_its_platforms_through_the_api(school_a, school_b, how, who):
    mine = _register(school_a.school)
    api = Caller(getattr(school_a, who), how)
    assert api.post("/lti/platforms", _payload(school_a.school, client_id="n")).status_code == 404
    assert api.get(f"/lti/platforms/{mine.pk}").status_code == 404
    assert api.patch(f"/lti/platforms/{mine.pk}", {"name": "x"}).status_code == 404
    assert api.get("/lti/platforms").json() == []
    # another school's admin neither sees nor registers for school A
    other = Caller(school_b.admin, how)
    assert other.get(f"/lti/platforms/{mine.pk}").status_code == 404
    assert other.patch(f"/lti/platforms/{mine.pk}", {"name": "x"}).status_code == 404
    assert other.post("/lti/platforms", _payload(school_a.school, client_id="m")).status_code == 404
    assert other.get("/lti/platforms").json() == []
    assert Platform.objects.get(pk=mine.pk).name == "Moodle"


def test_the_registration_page_registers_and_shows_the_tool_urls(school_a, school_b):
    client = Client()
    client.force_login(school_a.admin)
    page = client.get(reverse("lti-platforms"))
    assert page.status_code == 200
    html = page.content.decode()
    for url in ("/lti/login/", "/lti/launch/", "/lti/jwks/"):
        assert f"http://testserver{url}" in html
    assert "PRIVATE KEY" not in html
    form = {
        "school": school_a.school.pk,
        "name": "Canvas",
        "issuer": "https://canvas.instructure.com",
        "client_id": "10000000000001",
        "deployment_lines": "1:abc\n2:def\n",
        "auth_login_url": "https://sso.canvaslms.com/api/lti/authorize_redirect",
        "auth_token_url": "https://sso.canvaslms.com/login/oauth2/token",
        "key_set_url": "https://sso.canvaslms.com/api/lti/security/jwks",
        "create_accounts": "on",
    }
    made = client.post(reverse("lti-platforms"), form)
    assert made.status_code == 302
    platform = Platform.objects.get()
    assert platform.deployment_ids == ["1:abc", "2:def"] and platform.create_accounts
    # Registering for a school the admin does not run is refused by the form.
    refused = client.post(
        reverse("lti-platforms"), {**form, "school": school_b.school.pk, "client_id": "2"}
    )
    assert refused.status_code == 200 and refused.context["form"].errors["school"]
    edit = client.post(
        reverse("lti-platform-edit", kwargs={"platform_id": platform.pk}),
        {**form, "name": "Canvas (district)"},
    )
    assert edit.status_code == 302
    assert Platform.objects.get().name == "Canvas (district)"


@pytest.mark.parametrize("who", ["teacher", "learner", "guardian", "stranger"])
def test_the_registration_pages_refuse_everyone_but_the_schools_admins(school_a, school_b, who):
    mine = _register(school_a.school)
    client = Client()
    client.force_login(getattr(school_a, who))
    assert client.get(reverse("lti-platforms")).status_code == 403
    edit = reverse("lti-platform-edit", kwargs={"platform_id": mine.pk})
    assert client.get(edit).status_code == 404
    other = Client()
    other.force_login(school_b.admin)
    assert other.get(edit).status_code == 404
    assert other.post(edit, {"name": "taken over"}).status_code == 404
    assert mine.issuer not in other.get(reverse("lti-platforms")).content.decode()


def test_the_jwks_publishes_the_current_key_and_a_rotated_one_for_the_grace_period(settings):
    first = keys.current_key()
    published = Client().get("/lti/jwks/").json()
    assert [k["kid"] for k in published["keys"]] == [first.kid]
    assert {"n", "e"} <= set(published["keys"][0]) and "d" not in published["keys"][0]
    operator = UserFactory(is_superuser=True)
    api = Caller(operator, "bearer")
    rotated = api.post("/lti/keys/rotate")
    assert rotated.status_code == 200
    second = rotated.json()["key_id"]
    assert second != first.kid
    kids = {k["kid"] for k in Client().get("/lti/jwks/").json()["keys"]}
    assert kids == {first.kid, second}
    # Past the grace period the old key is no longer published.
    ToolKey.objects.filter(kid=first.kid).update(
        retired_at=timezone.now() - dt.timedelta(days=settings.TRELLIS_LTI_KEY_GRACE_DAYS + 1)
    )
    kids = {k["kid"] for k in Client().get("/lti/jwks/").json()["keys"]}
    assert kids == {second}


@pytest.mark.parametrize("how", ["session", "bearer"])
def test_a_school_admin_may_not_rotate_the_installations_key(school_a, how):
    first = keys.current_key()
    api = Caller(school_a.admin, how)
    assert api.post("/lti/keys/rotate").status_code == 403
    client = Client()
    client.force_login(school_a.admin)
    assert client.post(reverse("lti-key-rotate")).status_code == 403
    assert keys.current_key() == first


@pytest.mark.parametrize("how", ["session", "bearer"])
def test_the_platform_list_costs_the_same_queries_for_one_or_many(
    school_a, how, django_assert_num_queries
):
    """No query per platform: the list endpoint and the page cost what they
    cost with one registration when there are four."""
    _register(school_a.school, client_id="c0")
    api = Caller(school_a.admin, how)
    keys.current_key()
    api.get("/lti/platforms")  # warm: the token's last-used stamp, the key
    page = Client()
    page.force_login(school_a.admin)
    page.get(reverse("lti-platforms"))
    with CaptureQueriesContext(connection) as one_api:
        assert len(api.get("/lti/platforms").json()) == 1
    with CaptureQueriesContext(connection) as one_page:
        page.get(reverse("lti-platforms"))
    for n in range(1, 4):
        _register(school_a.school, client_id=f"c{n}")
    with django_assert_num_queries(len(one_api.captured_queries)):
        assert len(api.get("/lti/platforms").json()) == 4
    with django_assert_num_queries(len(one_page.captured_queries)):
        page.get(reverse("lti-platforms"))


def test_the_registration_page_in_spanish(school_a):
    client = Client()
    client.force_login(school_a.admin)
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    html = client.get(reverse("lti-platforms")).content.decode()
    assert "Trellis en su LMS (LTI 1.3)" in html
    assert "Registrar un LMS" in html
    assert "Trellis in your LMS" not in html

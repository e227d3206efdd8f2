"""schemathesis against the live OpenAPI document: a real server (pytest-
django's ``live_server``) on the two sweep schools, every operation called
with generated parameters and bodies under a teacher's and a learner's
bearer token. No answer may be a server error, and every answer must match
the response schema the document gives for its status.

``make test`` draws a few examples per operation; ``TRELLIS_FULL_SWEEP=1``
(``.ci/run``) draws more. Examples are derandomized: a failure repeats."""

from __future__ import annotations

import json
import os

import pytest
import schemathesis
from django.conf import settings
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.sweep.fixture import build_sweep
from trellis.api.main import api

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.privacy]

FULL = os.environ.get("TRELLIS_FULL_SWEEP") == "1"
EXAMPLES = int(os.environ.get("TRELLIS_SCHEMATHESIS_EXAMPLES", "10" if FULL else "3"))
#: Server errors the sweep found in code another change fixes, by operation:
#: they are reported (so the list shrinks) but do not fail this test.
KNOWN: dict[str, str] = {}


def _call_every_example(operation, label: str, base_url: str, headers, seen: set) -> None:
    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def call(case):
        response = case.call_and_validate(
            base_url=base_url,
            headers=headers,
            checks=[not_a_server_error, response_schema_conformance],
        )
        seen.add((label, response.status_code))

    call()


#: (role, how it signs in). A bearer token is what the issue asks for; a
#: cookie session with its CSRF token also reaches the writes while bearer
#: writes are refused (issue #17 finding 3).
CALLERS = [("teacher", "token"), ("learner", "token"), ("teacher", "session")]
if FULL:
    CALLERS.append(("learner", "session"))


@pytest.mark.parametrize(("role", "how"), CALLERS, ids=[f"{r}-{h}" for r, h in CALLERS])
def test_no_server_error_and_every_answer_matches_its_schema(live_server, role, how):
    sweep = build_sweep()
    user = sweep.a.people()[role]
    if how == "token":
        headers = {"Authorization": f"Bearer {sweep.token(user)}"}
    else:
        client = Client()
        client.force_login(user)
        csrf = "S" * 32
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        headers = {
            "Cookie": f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={csrf}",
            "X-CSRFToken": csrf,
        }
    document = json.loads(json.dumps(api.get_openapi_schema()))
    schema = schemathesis.openapi.from_dict(document)
    failures: list[str] = []
    seen: set[tuple[str, int]] = set()
    called = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        label = f"{operation.method.upper()} {operation.path}"
        called += 1
        try:
            _call_every_example(operation, label, live_server.url, headers, seen)
        except Exception as exc:  # a failed check: collect every operation's, then report
            if label not in KNOWN:
                failures.append(f"{label}: {str(exc)[:800]}")
    assert called == len(list(schema.get_all_operations()))
    assert not failures, f"{len(failures)} operation(s) failed:\n\n" + "\n\n".join(failures)
    # The calls reached the views: the reading operations answered.
    assert ("GET /api/v1/me", 200) in seen and ("GET /api/v1/goals", 200) in seen
    if how == "session":  # the session's writes got past CSRF and were carried out
        assert any(label.startswith(("POST", "PUT")) and code < 300 for label, code in seen), seen

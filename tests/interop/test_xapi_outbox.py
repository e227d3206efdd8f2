"""Statements out: a response recorded in Trellis is queued (only with an
LRS configured) and sent by ``trellis send-xapi`` with retries and backoff;
a statement that came in becomes evidence and goes back out as one Trellis
would accept again."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from tests.interop.test_xapi_statements import Tool, make_item, statement
from trellis.evidence.models import Response
from trellis.evidence.services import response_record
from trellis.interop.models import XapiOutbox, XapiStatement
from trellis.interop.xapi import activities
from trellis.interop.xapi.outbox import backoff, outbox_send, statement_for_response

pytestmark = pytest.mark.django_db
LRS = "https://lrs.example/xapi"


def test_nothing_is_queued_without_an_lrs(world):
    item = make_item(world.school)
    response_record(learner=world.learner, item=item, answer="4", idempotency_key="k1")
    assert not XapiOutbox.objects.exists()
    with pytest.raises(CommandError, match="TRELLIS_XAPI_LRS_URL"):
        call_command("send_xapi")


def test_round_trip_statement_to_evidence_to_statement(client, world, other_world, settings):
    """In from one tool, recorded as evidence, out as a statement that
    another school's Trellis reading it back maps to the same item."""
    item = make_item(world.school)
    tool = Tool(client, world.school)
    sent = statement(world.learner.username, activities.item_activity_id(item.pk), response="4")
    assert tool.send("POST", sent).status_code == 200
    response = XapiStatement.objects.get().response
    out = statement_for_response(response)
    assert out["actor"]["account"]["name"] == world.learner.username
    assert out["object"]["id"] == sent["object"]["id"]
    assert out["result"]["success"] is True and out["result"]["response"] == "4"
    # The emitted statement is acceptable to the Statements resource itself.
    again = tool.send("POST", out)
    assert again.status_code == 200
    assert Response.objects.filter(learner=world.learner).count() == 2


def test_responses_are_queued_and_sent_with_backoff(world, settings):
    settings.TRELLIS_XAPI_LRS_URL = LRS
    item = make_item(world.school)
    response_record(learner=world.learner, item=item, answer="4", idempotency_key="k1")
    response_record(learner=world.learner, item=item, answer="5", idempotency_key="k2")
    assert XapiOutbox.objects.filter(status=XapiOutbox.PENDING).count() == 2
    now = timezone.now()

    def down(statements):
        raise OSError("LRS unreachable")

    assert outbox_send(now=now, post=down) == {"sent": 0, "retrying": 2, "failed": 0}
    row = XapiOutbox.objects.first()
    assert row.tries == 1 and row.last_error == "LRS unreachable"
    assert row.next_try_at == now + backoff(1)
    # not due yet: nothing is tried
    assert outbox_send(now=now, post=down) == {"sent": 0, "retrying": 0, "failed": 0}
    received = []
    later = now + dt.timedelta(minutes=5)
    assert outbox_send(now=later, post=received.extend)["sent"] == 2
    assert [s["result"]["success"] for s in received] == [True, False]
    assert set(XapiOutbox.objects.values_list("status", flat=True)) == {XapiOutbox.SENT}


def test_recording_an_answer_never_waits_on_the_lrs(world, settings, monkeypatch):
    """With an LRS configured but unreachable, a learner's answer is recorded
    and the statement queued without any network call; the failure only
    shows when ``trellis send-xapi`` runs later, and is retried."""
    import urllib.request

    settings.TRELLIS_XAPI_LRS_URL = LRS
    calls = []

    def unreachable(*args, **kwargs):
        calls.append(args)
        raise OSError("connection refused")

    monkeypatch.setattr(urllib.request, "urlopen", unreachable)
    item = make_item(world.school)
    result = response_record(learner=world.learner, item=item, answer="4", idempotency_key="k1")
    assert result.response.correct is True
    assert calls == [] and XapiOutbox.objects.get().status == XapiOutbox.PENDING
    call_command("send_xapi", stdout=io.StringIO())
    assert len(calls) == 1
    row = XapiOutbox.objects.get()
    assert row.status == XapiOutbox.PENDING and row.tries == 1
    assert row.last_error == "connection refused"


def test_a_statement_is_given_up_after_the_last_try(world, settings):
    settings.TRELLIS_XAPI_LRS_URL = LRS
    settings.TRELLIS_XAPI_MAX_TRIES = 2
    item = make_item(world.school)
    response_record(learner=world.learner, item=item, answer="4", idempotency_key="k1")

    def down(statements):
        raise OSError("503")

    now = timezone.now()
    outbox_send(now=now, post=down)
    assert outbox_send(now=now + backoff(1), post=down)["failed"] == 1
    assert XapiOutbox.objects.get().status == XapiOutbox.FAILED
    assert backoff(1) < backoff(2) < backoff(3) and backoff(40) == dt.timedelta(hours=6)


def test_evidence_from_outside_is_not_sent_back(client, world, settings):
    settings.TRELLIS_XAPI_LRS_URL = LRS
    item = make_item(world.school)
    s = statement(world.learner.username, activities.item_activity_id(item.pk), response="4")
    assert Tool(client, world.school).send("POST", s).status_code == 200
    assert Response.objects.count() == 1 and not XapiOutbox.objects.exists()


def test_operators_can_revoke_a_tool_in_the_admin(client, world):
    """The admin lists credentials (to untick ``active``) without a way to add one."""
    from tests.factories import UserFactory
    from trellis.interop.models import XapiCredential
    from trellis.interop.xapi.credentials import credential_issue

    credential, secret = credential_issue(school=world.school, name="tutor")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(f"/admin/interop/xapicredential/{credential.pk}/change/")
    assert page.status_code == 200 and secret not in page.content.decode()
    assert client.get("/admin/interop/xapicredential/add/").status_code == 403
    assert XapiCredential.objects.get().active

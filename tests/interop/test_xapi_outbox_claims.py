"""The outbox holds no lock while it talks to the LRS: a batch is claimed
(marked sending) and committed, posted to a slow local LRS, then its outcome
recorded. While the LRS is still answering, another connection can lock and
write the very rows being sent."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from trellis.interop.models import XapiOutbox
from trellis.interop.tasks import send_xapi_outbox
from trellis.interop.xapi.outbox import backoff, outbox_send

SLOW_S = 0.5


class SlowLrs:
    """A local LRS that, while a POST is in flight, checks from its own
    database connection that the rows can be locked and written, then
    waits before answering ``status``."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.probes: list[dict] = []
        self.bodies: list[list[dict]] = []
        lrs = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                lrs.bodies.append(body)
                lrs.probes.append(lrs.probe([s["id"] for s in body]))
                time.sleep(SLOW_S)
                self.send_response(lrs.status)
                self.end_headers()
                self.wfile.write(b"[]")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/xapi"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @staticmethod
    def probe(statement_ids: list[str]) -> dict:
        try:
            with transaction.atomic():
                rows = XapiOutbox.objects.select_for_update(nowait=True).filter(
                    statement_id__in=statement_ids
                )
                statuses = sorted(set(rows.values_list("status", flat=True)))
                written = rows.update(tries=F("tries"))  # a write that changes nothing
            return {"locked": False, "statuses": statuses, "written": written}
        except Exception as error:  # the lock (or the table) was held: the bug
            return {"locked": True, "error": str(error)}
        finally:
            connection.close()

    def __enter__(self) -> SlowLrs:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def _queue(n: int, now: dt.datetime) -> list[XapiOutbox]:
    return [
        XapiOutbox.objects.create(
            statement_id=(sid := uuid.uuid4()), data={"id": str(sid)}, next_try_at=now
        )
        for _ in range(n)
    ]


@pytest.mark.django_db(transaction=True)
def test_no_lock_is_held_while_posting_to_a_slow_lrs(settings):
    now = timezone.now()
    rows = _queue(3, now)
    with SlowLrs() as lrs:
        settings.TRELLIS_XAPI_LRS_URL = lrs.url
        started = time.monotonic()
        counts = send_xapi_outbox.delay().get()
        assert time.monotonic() - started >= SLOW_S
    assert counts == {"sent": 3, "retrying": 0, "failed": 0}
    assert lrs.probes == [{"locked": False, "statuses": ["sending"], "written": 3}]
    assert sorted(s["id"] for s in lrs.bodies[0]) == sorted(str(r.statement_id) for r in rows)
    assert set(XapiOutbox.objects.values_list("status", "tries")) == {(XapiOutbox.SENT, 1)}


@pytest.mark.django_db(transaction=True)
def test_a_failed_post_is_recorded_after_the_call_and_retried_later(settings):
    now = timezone.now()
    _queue(2, now)
    with SlowLrs(status=503) as lrs:
        settings.TRELLIS_XAPI_LRS_URL = lrs.url
        counts = outbox_send(now=now)
    assert counts == {"sent": 0, "retrying": 2, "failed": 0}
    assert lrs.probes == [{"locked": False, "statuses": ["sending"], "written": 2}]
    for row in XapiOutbox.objects.all():
        assert row.status == XapiOutbox.PENDING and row.tries == 1
        assert row.next_try_at == now + backoff(1) and "503" in row.last_error


@pytest.mark.django_db(transaction=True)
def test_a_claim_left_by_a_dead_sender_lapses(settings):
    now = timezone.now()
    (row,) = _queue(1, now)
    XapiOutbox.objects.filter(pk=row.pk).update(status=XapiOutbox.SENDING, next_try_at=now)
    live = _queue(1, now + dt.timedelta(seconds=1))[0]
    XapiOutbox.objects.filter(pk=live.pk).update(
        status=XapiOutbox.SENDING, next_try_at=now + dt.timedelta(minutes=5)
    )
    sent: list[list[dict]] = []
    counts = outbox_send(now=now, post=sent.append)
    assert counts["sent"] == 1 and sent == [[row.data]]
    assert XapiOutbox.objects.get(pk=live.pk).status == XapiOutbox.SENDING

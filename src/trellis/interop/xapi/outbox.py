"""Trellis's own events as xAPI statements for an outside LRS.

A recorded response is turned into a statement and queued in
:class:`~trellis.interop.models.XapiOutbox` in the same transaction (only
when ``TRELLIS_XAPI_LRS_URL`` is set); ``trellis send-xapi`` sends the queue
later (or the worker does, every minute: trellis.interop.tasks), so a
learner's page never waits on someone else's server; no row lock is held
while posting. A failed
send is retried with exponential backoff until ``TRELLIS_XAPI_MAX_TRIES``."""

from __future__ import annotations

import base64
import datetime as dt
import json
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from trellis.evidence.constants import SOURCE_ASSESSMENT, SOURCE_PRACTICE
from trellis.interop.models import XapiOutbox
from trellis.interop.xapi import activities

if TYPE_CHECKING:
    from trellis.evidence.models import Response

ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
#: Statements per request to the LRS.
BATCH = 100
BACKOFF_BASE_S = 30
BACKOFF_CAP_S = 6 * 60 * 60
#: Evidence that came from outside (xAPI, data sets) is not sent back out.
EMITTED_SOURCES = {SOURCE_ASSESSMENT, SOURCE_PRACTICE}


def lrs_url() -> str:
    return getattr(settings, "TRELLIS_XAPI_LRS_URL", "")


def statement_for_response(response: Response) -> dict:
    """The statement Trellis emits for one response: the learner (as an
    account), ``answered``, the item's activity id, and the result."""
    result: dict = {"response": response.answer}
    if response.correct is not None:
        result["success"] = bool(response.correct)
    if response.score is not None:
        result["score"] = {"scaled": float(response.score)}
    if response.time_on_item_ms:
        result["duration"] = f"PT{response.time_on_item_ms / 1000:g}S"
    return {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"trellis-response-{response.pk}")),
        "actor": activities.agent_for(response.learner),
        "verb": {"id": ANSWERED, "display": {"en-US": "answered"}},
        "object": {"objectType": "Activity", "id": activities.item_activity_id(response.item_id)},
        "result": result,
        "timestamp": response.recorded_at.isoformat(),
    }


def outbox_enqueue(*, response: Response) -> XapiOutbox | None:
    """Queue the statement for a new response, when an LRS is configured
    and the response was made in Trellis."""
    if not lrs_url() or response.source not in EMITTED_SOURCES:
        return None
    data = statement_for_response(response)
    row, _ = XapiOutbox.objects.get_or_create(
        statement_id=data["id"], defaults={"data": data, "next_try_at": timezone.now()}
    )
    return row


def backoff(tries: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(BACKOFF_BASE_S * 2 ** max(0, tries - 1), BACKOFF_CAP_S))


def post_to_lrs(statements: list[dict]) -> None:
    """POST a list of statements to the LRS; raises on anything but 2xx."""
    url = lrs_url().rstrip("/") + "/statements"
    request = urllib.request.Request(url, data=json.dumps(statements).encode(), method="POST")
    request.add_header("Content-Type", "application/json")
    request.add_header("X-Experience-API-Version", "1.0.3")
    key = getattr(settings, "TRELLIS_XAPI_LRS_KEY", "")
    if key:
        secret = getattr(settings, "TRELLIS_XAPI_LRS_SECRET", "")
        token = base64.b64encode(f"{key}:{secret}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    with urllib.request.urlopen(request, timeout=20) as answer:  # noqa: S310 (configured URL)
        if not 200 <= answer.status < 300:
            raise OSError(f"LRS answered {answer.status}")


def _claim(now: dt.datetime, lease: dt.timedelta) -> list[XapiOutbox]:
    """Take up to a batch of due rows (pending, or claimed by a sender whose
    claim has lapsed) and mark them sending; the row locks end when this
    short transaction commits, before anything is posted."""
    with transaction.atomic():
        due = list(
            XapiOutbox.objects.select_for_update(skip_locked=True)
            .filter(
                Q(status=XapiOutbox.PENDING) | Q(status=XapiOutbox.SENDING),
                next_try_at__lte=now,
            )
            .order_by("next_try_at", "pk")[:BATCH]
        )
        XapiOutbox.objects.filter(pk__in=[row.pk for row in due]).update(
            status=XapiOutbox.SENDING, next_try_at=now + lease
        )
    return due


def outbox_send(
    *, now: dt.datetime | None = None, post: Callable[[list[dict]], None] = post_to_lrs
) -> dict[str, int]:
    """Send every due statement, a batch at a time: claim the batch and
    commit, post it with no transaction open, then record the outcome. A
    batch that fails is tried again after a backoff; after the last try it
    is marked failed."""
    now = now or timezone.now()
    max_tries = getattr(settings, "TRELLIS_XAPI_MAX_TRIES", 8)
    lease = dt.timedelta(seconds=getattr(settings, "TRELLIS_XAPI_CLAIM_SECONDS", 300))
    counts = {"sent": 0, "retrying": 0, "failed": 0}
    while True:
        due = _claim(now, lease)
        if not due:
            return counts
        try:
            post([row.data for row in due])
        except (OSError, urllib.error.URLError, ValueError) as error:
            for row in due:
                row.tries += 1
                row.last_error = str(error)[:500]
                if row.tries >= max_tries:
                    row.status = XapiOutbox.FAILED
                    counts["failed"] += 1
                else:
                    row.status = XapiOutbox.PENDING
                    row.next_try_at = now + backoff(row.tries)
                    counts["retrying"] += 1
            with transaction.atomic():
                XapiOutbox.objects.bulk_update(
                    due, ["tries", "last_error", "status", "next_try_at"]
                )
            continue
        XapiOutbox.objects.filter(pk__in=[row.pk for row in due]).update(
            status=XapiOutbox.SENT, sent_at=timezone.now(), tries=F("tries") + 1
        )
        counts["sent"] += len(due)

"""Structural checks of an xAPI statement (the subset Trellis accepts).

Pure functions, no Django: :func:`check_statement` raises
:class:`StatementInvalid` with a message naming the statement and the
property that is wrong, so a tool's developer can fix it from the 400 alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
import uuid
from typing import Any

from trellis.interop.xapi.errors import (
    ACTOR_AGENT_ONLY,
    ACTOR_IFI,
    BAD_DURATION,
    BAD_TIMESTAMP,
    LANGUAGE_MAP,
    MBOX_FORM,
    MIN_MAX,
    MISSING,
    NO_ATTACHMENTS,
    NOT_BOOL,
    NOT_IRI,
    NOT_NUMBER,
    NOT_OBJECT,
    NOT_STRING,
    NOT_UUID,
    NUMBER_RANGE,
    OBJECT_ACTIVITY_ONLY,
    RAW_RANGE,
    SCALED_RANGE,
    TOO_LONG,
    UNKNOWN_FIELD,
)

TOP_LEVEL = {
    "id",
    "actor",
    "verb",
    "object",
    "result",
    "context",
    "timestamp",
    "stored",
    "authority",
    "version",
    "attachments",
}
#: Properties the LRS sets or that do not change what happened; left out when
#: comparing two statements with the same id.
NOT_CONTENT = {"stored", "authority", "version"}
IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:\S+$")
MBOX = re.compile(r"^mailto:[^@\s]+@[^@\s]+$")
DURATION = re.compile(
    r"^P(?!$)(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?"
    r"(?:T(?=\d)(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$"
)
MAX_IRI = 500


class StatementInvalid(ValueError):
    """A statement the resource refuses (400)."""


def _obj(value: Any, where: str, field: str) -> dict:
    if not isinstance(value, dict):
        raise StatementInvalid(NOT_OBJECT.format(where=where, field=field))
    return value


def _iri(value: Any, where: str, field: str, limit: int = MAX_IRI) -> str:
    if value is None:
        raise StatementInvalid(MISSING.format(where=where, field=field))
    if not isinstance(value, str):
        raise StatementInvalid(NOT_STRING.format(where=where, field=field))
    if not IRI.match(value):
        raise StatementInvalid(NOT_IRI.format(where=where, field=field, got=value[:80]))
    if len(value) > limit:
        raise StatementInvalid(TOO_LONG.format(where=where, field=field, limit=limit))
    return value


def _language_map(value: Any, where: str, field: str) -> None:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise StatementInvalid(LANGUAGE_MAP.format(where=where, field=field))


#: Scores beyond this size are refused: PostgreSQL and the exports hold
#: doubles, and no real score needs more.
NUMBER_LIMIT = 1e15
#: Timestamps outside these years are refused: a year-1 date cannot be shown
#: in every time zone, and none is a real learning record.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2199


def _number(value: Any, where: str, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise StatementInvalid(NOT_NUMBER.format(where=where, field=field))
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number) or abs(number) > NUMBER_LIMIT:
        raise StatementInvalid(NUMBER_RANGE.format(where=where, field=field, limit="10^15"))
    return number


def check_uuid(value: Any, where: str, field: str) -> uuid.UUID:
    if not isinstance(value, str):
        raise StatementInvalid(NOT_UUID.format(where=where, field=field, got=value))
    try:
        return uuid.UUID(value)
    except ValueError:
        raise StatementInvalid(NOT_UUID.format(where=where, field=field, got=value[:80]))


def _actor(value: Any, where: str) -> None:
    actor = _obj(value, where, "actor")
    if actor.get("objectType", "Agent") != "Agent":
        raise StatementInvalid(ACTOR_AGENT_ONLY.format(where=where))
    found = [k for k in ("mbox", "mbox_sha1sum", "openid", "account") if k in actor]
    if found not in (["mbox"], ["account"]):
        raise StatementInvalid(ACTOR_IFI.format(where=where, found=", ".join(found) or "neither"))
    if "name" in actor and not isinstance(actor["name"], str):
        raise StatementInvalid(NOT_STRING.format(where=where, field="actor.name"))
    if "mbox" in actor:
        mbox = actor["mbox"]
        if not isinstance(mbox, str) or not MBOX.match(mbox) or len(mbox) > 254:
            raise StatementInvalid(MBOX_FORM.format(where=where, got=str(mbox)[:80]))
        return
    account = _obj(actor["account"], where, "actor.account")
    _iri(account.get("homePage"), where, "actor.account.homePage")
    name = account.get("name")
    if name is None:
        raise StatementInvalid(MISSING.format(where=where, field="actor.account.name"))
    if not isinstance(name, str) or not name:
        raise StatementInvalid(NOT_STRING.format(where=where, field="actor.account.name"))
    if len(name) > 150:
        raise StatementInvalid(TOO_LONG.format(where=where, field="actor.account.name", limit=150))


def _verb(value: Any, where: str) -> None:
    verb = _obj(value, where, "verb")
    _iri(verb.get("id"), where, "verb.id")
    if "display" in verb:
        _language_map(verb["display"], where, "verb.display")


def _object(value: Any, where: str) -> None:
    obj = _obj(value, where, "object")
    kind = obj.get("objectType", "Activity")
    if kind != "Activity":
        raise StatementInvalid(OBJECT_ACTIVITY_ONLY.format(where=where, got=str(kind)[:40]))
    _iri(obj.get("id"), where, "object.id", limit=1000)
    if "definition" in obj:
        _obj(obj["definition"], where, "object.definition")


def _score(value: Any, where: str) -> None:
    score = _obj(value, where, "result.score")
    for key in score:
        if key not in {"scaled", "raw", "min", "max"}:
            raise StatementInvalid(UNKNOWN_FIELD.format(where=where, field=f"result.score.{key}"))
    nums = {k: _number(v, where, f"result.score.{k}") for k, v in score.items()}
    if "scaled" in nums and not -1 <= nums["scaled"] <= 1:
        raise StatementInvalid(SCALED_RANGE.format(where=where, got=nums["scaled"]))
    if "min" in nums and "max" in nums and nums["min"] >= nums["max"]:
        raise StatementInvalid(MIN_MAX.format(where=where))
    raw = nums.get("raw")
    if raw is not None and (raw < nums.get("min", raw) or raw > nums.get("max", raw)):
        raise StatementInvalid(RAW_RANGE.format(where=where))


def duration_ms(text: str) -> int | None:
    """Milliseconds of an ISO 8601 duration (years and months taken as 365
    and 30 days), or None when it is not one."""
    m = DURATION.match(text) if isinstance(text, str) else None
    if not m:
        return None
    y, mo, w, d, h, mi, s = (float(g) if g else 0.0 for g in m.groups())
    seconds = ((((y * 365 + mo * 30 + w * 7 + d) * 24 + h) * 60) + mi) * 60 + s
    return int(min(seconds * 1000, 2**62))


def _result(value: Any, where: str) -> None:
    result = _obj(value, where, "result")
    for key in result:
        if key not in {"score", "success", "completion", "response", "duration", "extensions"}:
            raise StatementInvalid(UNKNOWN_FIELD.format(where=where, field=f"result.{key}"))
    if "score" in result:
        _score(result["score"], where)
    for flag in ("success", "completion"):
        if flag in result and not isinstance(result[flag], bool):
            raise StatementInvalid(NOT_BOOL.format(where=where, field=f"result.{flag}"))
    if "response" in result and not isinstance(result["response"], str):
        raise StatementInvalid(NOT_STRING.format(where=where, field="result.response"))
    if "duration" in result and duration_ms(result["duration"]) is None:
        got = str(result["duration"])[:40]
        raise StatementInvalid(BAD_DURATION.format(where=where, got=got))
    if "extensions" in result:
        _obj(result["extensions"], where, "result.extensions")


def parse_timestamp(value: Any) -> dt.datetime | None:
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None or not EARLIEST_YEAR <= when.year <= LATEST_YEAR:
        return None
    return when


def check_statement(statement: Any, where: str = "statement") -> dict:
    """Check one statement; returns it unchanged when it is acceptable."""
    statement = _obj(statement, where, "the statement")
    for key in statement:
        if key not in TOP_LEVEL:
            raise StatementInvalid(UNKNOWN_FIELD.format(where=where, field=str(key)[:40]))
    if "attachments" in statement:
        raise StatementInvalid(NO_ATTACHMENTS.format(where=where))
    if "id" in statement:
        check_uuid(statement["id"], where, "id")
    for field in ("actor", "verb", "object"):
        if field not in statement:
            raise StatementInvalid(MISSING.format(where=where, field=field))
    _actor(statement["actor"], where)
    _verb(statement["verb"], where)
    _object(statement["object"], where)
    if "result" in statement:
        _result(statement["result"], where)
    if "context" in statement:
        context = _obj(statement["context"], where, "context")
        if "registration" in context:
            check_uuid(context["registration"], where, "context.registration")
    if "timestamp" in statement and parse_timestamp(statement["timestamp"]) is None:
        got = str(statement["timestamp"])[:40]
        raise StatementInvalid(BAD_TIMESTAMP.format(where=where, got=got))
    return statement


def content_hash(statement: dict) -> str:
    """A digest of what the statement says (not of who stored it when), to
    tell a retry of the same statement from a different one with its id."""
    content = {k: v for k, v in statement.items() if k not in NOT_CONTENT}
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

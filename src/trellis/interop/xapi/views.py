"""The Statements resource, ``/xapi/statements``: POST (one or a list, 200
with the ids), PUT (one, with ``statementId``; 204) and GET (one by id).
Plain Django rather than the REST API: xAPI fixes its own paths, headers,
status codes and authentication per tool."""

from __future__ import annotations

import json
import uuid

from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from trellis.interop.models import XapiCredential, XapiStatement
from trellis.interop.xapi.credentials import credential_from_header
from trellis.interop.xapi.errors import (
    AUTH_BAD,
    AUTH_REQUIRED,
    BAD_CHARACTERS,
    BAD_STATEMENT_ID,
    BODY_SHAPE,
    EMPTY_LIST,
    METHOD,
    NOT_FOUND,
    NOT_JSON,
    NOT_UTF8,
    PUT_ID_MISMATCH,
    PUT_NEEDS_ID,
    PUT_ONE_ONLY,
    TOO_MANY,
    VERSION_MISSING,
    VERSION_UNSUPPORTED,
)
from trellis.interop.xapi.ingest import StatementConflict, statements_store
from trellis.interop.xapi.validate import StatementInvalid, check_statement

VERSION = "1.0.3"
MAX_STATEMENTS = 500


def _answer(status: int, body=None) -> HttpResponse:
    if body is None:
        response = HttpResponse(status=status)
    elif isinstance(body, str):
        response = JsonResponse({"error": body}, status=status)
    else:
        response = JsonResponse(body, status=status, safe=False)
    response["X-Experience-API-Version"] = VERSION
    return response


def _reject_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def _decode(request: HttpRequest) -> list[dict] | dict:
    try:
        text = request.body.decode("utf-8")
    except UnicodeDecodeError:
        raise StatementInvalid(NOT_UTF8)
    try:
        body = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as error:
        raise StatementInvalid(NOT_JSON.format(error=str(error)[:120]))
    dumped = json.dumps(body, ensure_ascii=False)
    try:
        dumped.encode("utf-8")
    except UnicodeEncodeError:
        raise StatementInvalid(BAD_CHARACTERS)
    if "\\u0000" in dumped or "\x00" in dumped:
        raise StatementInvalid(BAD_CHARACTERS)
    return body


def _checked(body) -> list[dict]:
    if isinstance(body, dict):
        return [check_statement(body)]
    if not isinstance(body, list):
        raise StatementInvalid(BODY_SHAPE)
    if not body:
        raise StatementInvalid(EMPTY_LIST)
    if len(body) > MAX_STATEMENTS:
        raise StatementInvalid(TOO_MANY.format(limit=MAX_STATEMENTS))
    return [check_statement(s, f"statement[{n}]") for n, s in enumerate(body)]


def _store(credential: XapiCredential, statements: list[dict]):
    try:
        return statements_store(credential=credential, statements=statements, optimistic=True)
    except IntegrityError:
        # Another worker stored one of these ids a moment ago, or the same
        # learner's evidence already holds one (sent to another school):
        # try again, now comparing with what is stored.
        return statements_store(credential=credential, statements=statements)


def _param_id(request: HttpRequest) -> uuid.UUID:
    raw = request.GET.get("statementId")
    if raw is None:
        raise StatementInvalid(PUT_NEEDS_ID)
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise StatementInvalid(BAD_STATEMENT_ID.format(got=raw[:80]))


def _get(request: HttpRequest, credential: XapiCredential) -> HttpResponse:
    sid = _param_id(request)
    row = XapiStatement.objects.filter(school=credential.school, statement_id=sid).first()
    if row is None:
        return _answer(404, NOT_FOUND.format(id=sid))
    return _answer(200, row.data)


def _put(request: HttpRequest, credential: XapiCredential) -> HttpResponse:
    sid = _param_id(request)
    body = _decode(request)
    if isinstance(body, list):
        raise StatementInvalid(PUT_ONE_ONLY)
    statement = check_statement(body)
    if "id" in statement and str(uuid.UUID(statement["id"])) != str(sid):
        raise StatementInvalid(PUT_ID_MISMATCH)
    _store(credential, [{**statement, "id": str(sid)}])
    return _answer(204)


def _post(request: HttpRequest, credential: XapiCredential) -> HttpResponse:
    stored = _store(credential, _checked(_decode(request)))
    return _answer(200, [str(s.statement_id) for s in stored])


@csrf_exempt
def statements(request: HttpRequest) -> HttpResponse:
    version = request.headers.get("X-Experience-API-Version")
    if version is None:
        return _answer(400, VERSION_MISSING)
    if not (version.startswith("1.0.") or version == "1.0" or version == "2.0.0"):
        return _answer(400, VERSION_UNSUPPORTED.format(got=version[:20]))
    header = request.headers.get("Authorization", "")
    credential = credential_from_header(header) if header else None
    if credential is None:
        response = _answer(401, AUTH_BAD if header else AUTH_REQUIRED)
        response["WWW-Authenticate"] = 'Basic realm="Trellis xAPI"'
        return response
    handler = {"GET": _get, "PUT": _put, "POST": _post}.get(request.method)
    if handler is None:
        return _answer(405, METHOD)
    try:
        return handler(request, credential)
    except StatementInvalid as error:
        return _answer(400, str(error))
    except StatementConflict as error:
        return _answer(409, str(error))

"""Walking every API operation (from the OpenAPI document) and every page
(from the URL patterns) as one actor, and judging each answer.

For each operation or page that takes record ids, the actor asks twice with
the other school's records and once with ids that exist nowhere: the two
must answer alike (same status, same body), so an answer never tells a
record that exists from one that does not, and never shows the other
school's marker. The actor also asks with their own school's ids. No answer
may be a server error."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.sweep.fixture import Sweep, SweepSchool
from trellis.people.models import User

MISSING_ID = 987_654_321
API_PREFIX = "/api/v1"
#: Page routes not walked: the admin (Django's own, operator-only), and
#: signing out or changing language (they end or change the session).
SKIPPED_PAGES = ("admin/", "accounts/logout/", "i18n/")
#: Path parameters that are not record ids, and what to put in them.
FIXED_PARAMETERS = {
    "table": "mastery",
    "fmt": "csv",
    "key": "mastery",
    "uidb64": "MQ",
    "token": "sweep-token",
    # A background task's run: the fixture makes none yet, so only a run that
    # exists nowhere is asked for (no 5xx, the refusal).
    "run_id": "00000000-0000-4000-8000-000000000000",
}
#: Query parameters that name records, by the id kind they take.
QUERY_RECORDS = {
    "learner": "learner_id",
    "learner_id": "learner_id",
    "class": "class_id",
    "class_id": "class_id",
    "school": "school_id",
    "school_id": "school_id",
    "competency_id": "competency_id",
    "framework_id": "framework_id",
    "objective_id": "competency_id",
}


@dataclass
class Operation:
    method: str
    path: str  # as in the OpenAPI document, with {name} placeholders
    path_parameters: list[str]
    query_parameters: list[tuple[str, bool]]  # (name, required)
    has_body: bool
    documented: set[int]

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"


@dataclass
class Page:
    route: str  # Django route, with <conv:name> placeholders
    parameters: list[str]

    @property
    def label(self) -> str:
        return f"page /{self.route}"


@dataclass
class Findings:
    problems: list[str] = field(default_factory=list)
    #: (operation label, status) for every API answer, for the documentation check
    statuses: set[tuple[str, int]] = field(default_factory=set)
    requests: int = 0


def operations(schema: dict) -> list[Operation]:
    out = []
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            params = op.get("parameters", [])
            out.append(
                Operation(
                    method=method,
                    path=path,
                    path_parameters=[p["name"] for p in params if p["in"] == "path"],
                    query_parameters=[
                        (p["name"], bool(p.get("required"))) for p in params if p["in"] == "query"
                    ],
                    has_body="requestBody" in op,
                    documented={int(code) for code in op.get("responses", {})},
                )
            )
    return out


def pages() -> list[Page]:
    def walk(patterns, prefix: str = "") -> Iterator[Page]:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                if route.startswith(SKIPPED_PAGES) or route.startswith("api/v1/"):
                    continue
                if "(?P<" in route or route.startswith("^"):
                    continue  # regular-expression routes: only the admin's and the API's
                yield Page(route, re.findall(r"<(?:\w+:)?(\w+)>", route))

    return list(walk(get_resolver().url_patterns))


def id_kind(name: str, where: str) -> str:
    """The fixture's id kind for a parameter ``name`` of a path ``where``."""
    if name == "request_id" and "experts" in where:
        return "expert_request_id"
    if name == "plan_id":
        return (
            "group_plan_id"
            if ("group-plans" in where or "differentiate" in where)
            else ("individual_plan_id")
        )
    return name


def fill(template: str, names: list[str], ids: dict[str, int] | None, placeholder: str) -> str:
    """``template`` with each parameter replaced: a record id from ``ids``
    (None: an id that exists nowhere) or a fixed value."""
    out = template
    for name in names:
        if name in FIXED_PARAMETERS:
            value = FIXED_PARAMETERS[name]
        else:
            kind = id_kind(name, template)
            if ids is not None and kind not in ids:
                raise KeyError(f"the sweep has no record for parameter {name!r} of {template}")
            value = str(MISSING_ID if ids is None else ids[kind])
        pattern = (
            r"\{" + re.escape(name) + r"\}"
            if placeholder == "{"
            else r"<(?:\w+:)?" + re.escape(name) + ">"
        )
        out = re.sub(pattern, value, out)
    return out


def client_for(sweep: Sweep, user: User | None, bearer: bool) -> Client:
    if user is None:
        return Client(raise_request_exception=False)
    if bearer:
        # A program calling the API: no session, and CSRF checked as in production.
        return Client(
            enforce_csrf_checks=True,
            raise_request_exception=False,
            HTTP_AUTHORIZATION=f"Bearer {sweep.token(user)}",
        )
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _ask(client: Client, method: str, url: str, has_body: bool):
    if method in ("get", "delete") and not has_body:
        return getattr(client, method)(url)
    return getattr(client, method)(url, data=json.dumps({}), content_type="application/json")


def _query(op: Operation, ids: dict[str, int] | None) -> str:
    parts = []
    for name, _required in op.query_parameters:
        kind = QUERY_RECORDS.get(name)
        if kind is None:
            continue
        parts.append(f"{name}={MISSING_ID if ids is None else ids[kind]}")
    return ("?" + "&".join(parts)) if parts else ""


def judge(
    findings: Findings,
    label: str,
    response,
    foreign: SweepSchool | None,
    operation: Operation | None,
) -> tuple[int, bytes]:
    findings.requests += 1
    body = _body(response)
    status = response.status_code
    if operation is not None:
        findings.statuses.add((operation.label, status))
        if status not in operation.documented:
            findings.problems.append(
                f"{label}: {status} is not among the documented statuses "
                f"{sorted(operation.documented)}"
            )
    if status >= 500:
        findings.problems.append(f"{label}: {status} (server error)")
    if foreign is not None and foreign.marker.lower().encode() in body.lower():
        findings.problems.append(f"{label}: {status} shows {foreign.marker}'s records")
    return status, body


def walk_api(
    sweep: Sweep,
    schema: dict,
    user: User | None,
    mine: SweepSchool | None,
    foreign: SweepSchool | None,
    bearer: bool,
    findings: Findings,
    own_records: bool = True,
) -> None:
    client = client_for(sweep, user, bearer)
    operator = user is not None and user.is_superuser
    for op in operations(schema):
        targets: list[tuple[str, dict[str, int] | None]] = []
        if foreign is not None:
            targets.append(("theirs", foreign.ids))
            targets.append(("nowhere", None))
        if mine is not None and own_records:
            targets.append(("mine", mine.ids))
        if not targets:
            targets.append(("nowhere", None))
        answers: dict[str, tuple[int, bytes]] = {}
        for target, ids in targets:
            url = API_PREFIX + fill(op.path[len(API_PREFIX) :], op.path_parameters, ids, "{")
            url += _query(op, ids)
            response = _ask(client, op.method, url, op.has_body)
            leak_check = None if operator else foreign
            answers[target] = judge(findings, f"{op.label} [{target}]", response, leak_check, op)
        if operator or foreign is None or not (op.path_parameters or _query(op, foreign.ids)):
            continue
        theirs, nowhere = answers["theirs"], answers["nowhere"]
        if theirs[0] < 400 and op.path_parameters:
            findings.problems.append(
                f"{op.label}: answers {theirs[0]} for the other school's record"
            )
        elif theirs != nowhere:
            findings.problems.append(
                f"{op.label}: the other school's record answers {theirs[0]} "
                f"{theirs[1][:120]!r}, a missing one {nowhere[0]} {nowhere[1][:120]!r}"
            )


def walk_pages(
    sweep: Sweep,
    user: User | None,
    mine: SweepSchool | None,
    foreign: SweepSchool | None,
    findings: Findings,
    own_records: bool = True,
) -> None:
    client = client_for(sweep, user, bearer=False)
    operator = user is not None and user.is_superuser
    for page in pages():
        record_parameters = [p for p in page.parameters if p not in FIXED_PARAMETERS]
        targets: list[tuple[str, dict[str, int] | None]] = []
        if record_parameters and foreign is not None:
            targets += [("theirs", foreign.ids), ("nowhere", None)]
        if mine is not None and (own_records or not record_parameters):
            targets.append(("mine", mine.ids))
        if not targets:
            targets.append(("nowhere", None))
        answers = {}
        for target, ids in targets:
            url = "/" + fill(page.route, page.parameters, ids, "<")
            response = client.get(url)
            answers[target] = judge(
                findings,
                f"{page.label} [{target}]",
                response,
                None if operator else foreign,
                None,
            )
        if operator or "theirs" not in answers:
            continue
        theirs, nowhere = answers["theirs"], answers["nowhere"]
        if theirs[0] < 300 or theirs[0] != nowhere[0]:
            findings.problems.append(
                f"{page.label}: the other school's record answers {theirs[0]}, "
                f"a missing one {nowhere[0]}"
            )

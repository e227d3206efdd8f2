"""The refusals every operation can answer, written into the OpenAPI document.

Routers declare their success answers (and any refusal with a body of its
own, such as a refused roster's 422). The refusals shared by every operation
come from the API's own handlers and are added here, so the document lists
every status an operation returns:

- 401: no session and no valid bearer token;
- 403: the caller may see the record but not do this (a role's limit), or a
  cookie session's write without its CSRF token;
- 404 (operations that take parameters or a body): no such record, or one
  the caller has no reason to see (one answer for both);
- 400: the request was understood but a rule refused it (``ValidationError``),
  for operations that take parameters or a body;
- 422: a parameter or body that does not match its declared shape.

``tests/sweep`` checks that every status it observes is documented.
"""

from __future__ import annotations

from typing import Any

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
INVALID = {
    "type": "object",
    "properties": {"detail": {"type": "array", "items": {"type": "object"}}},
    "required": ["detail"],
}
DESCRIPTIONS = {
    400: ("A rule refused the request; detail says which.", DETAIL),
    401: ("No session and no valid bearer token.", DETAIL),
    403: ("Not allowed for your role, or a session write without its CSRF token.", DETAIL),
    404: ("No such record, or one you have no reason to see.", DETAIL),
    422: ("A parameter or the body does not match its declared shape.", INVALID),
}
METHODS = ("get", "put", "post", "delete", "patch")


def statuses_for(operation: dict[str, Any]) -> tuple[int, ...]:
    """The shared refusals ``operation`` (an OpenAPI operation) can answer."""
    takes_input = bool(operation.get("parameters")) or "requestBody" in operation
    codes = [403]
    if operation.get("security"):
        codes.append(401)
    if takes_input:
        codes += [400, 404, 422]
    return tuple(sorted(codes))


def document_statuses(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the shared refusals to every operation of ``schema`` (in place)."""
    for methods in schema.get("paths", {}).values():
        for method, operation in methods.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            declared = {int(code) for code in responses}
            for code in statuses_for(operation):
                if code in declared:
                    continue
                description, body = DESCRIPTIONS[code]
                responses[code] = {
                    "description": description,
                    "content": {"application/json": {"schema": body}},
                }
    return schema


def install(api) -> None:
    """Make ``api``'s OpenAPI document list the shared refusals."""
    original = api.get_openapi_schema

    def get_openapi_schema(*args, **kwargs):
        return document_statuses(original(*args, **kwargs))

    api.get_openapi_schema = get_openapi_schema

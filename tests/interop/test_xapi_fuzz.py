"""Hypothesis-generated statements, well-formed and not, against the
Statements resource: whatever arrives, the answer is never a 500."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.interop.test_xapi_statements import ANSWERED, Tool, make_item
from trellis.interop.xapi import activities

pytestmark = pytest.mark.django_db

scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12)
)
anything = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
iris = st.sampled_from(
    ["https://x.example/a", "urn:trellis:item:1", "nope", "", "urn:trellis:competency:zz"]
)


def maybe(strategy):
    return st.one_of(strategy, anything)


actors = maybe(
    st.fixed_dictionaries(
        {},
        optional={
            "objectType": st.sampled_from(["Agent", "Group"]),
            "mbox": st.sampled_from(["mailto:s1_learner@x.example", "mailto:", "x"]),
            "account": maybe(
                st.fixed_dictionaries(
                    {"homePage": iris, "name": st.sampled_from(["s1_learner", "s2_learner", ""])}
                )
            ),
            "name": maybe(st.text(max_size=5)),
        },
    )
)
results = maybe(
    st.fixed_dictionaries(
        {},
        optional={
            "success": maybe(st.booleans()),
            "completion": st.booleans(),
            "response": maybe(st.sampled_from(["4", "5", "", "abc"])),
            "duration": st.sampled_from(["PT1M", "P1Y2M3DT4H5M6.5S", "P", "PT", "1M"]),
            "score": maybe(
                st.dictionaries(
                    st.sampled_from(["scaled", "raw", "min", "max", "x"]),
                    st.floats(allow_nan=False, allow_infinity=False, min_value=-5, max_value=5),
                    max_size=4,
                )
            ),
        },
    )
)
statements = st.fixed_dictionaries(
    {},
    optional={
        "id": st.uuids().map(str) | st.text(max_size=5),
        "actor": actors,
        "verb": maybe(st.fixed_dictionaries({"id": iris}, optional={"display": anything})),
        "object": maybe(
            st.fixed_dictionaries(
                {"id": iris}, optional={"objectType": st.sampled_from(["Activity", "Agent"])}
            )
        ),
        "result": results,
        "timestamp": st.sampled_from(
            ["2026-01-01T10:00:00Z", "2026-13-01", "2199-12-31T23:59:59+14:00"]
        ),
        "context": maybe(st.fixed_dictionaries({}, optional={"registration": st.uuids().map(str)})),
    },
)
bodies = statements | st.lists(statements, max_size=4) | anything


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    body=bodies,
    method=st.sampled_from(["POST", "PUT", "GET"]),
    raw=st.booleans(),
    statement_id=st.sampled_from(["6f1c3c1e-9d8e-4d2a-9d55-0c1b8a1c2f00", "x", "", None]),
)
def test_the_statements_resource_never_fails_with_a_500(
    client, world, body, method, raw, statement_id
):
    tool = _tool(client, world)
    data = json.dumps(body)
    if raw:
        data = data[: len(data) // 2]
    query = "" if statement_id is None or method == "POST" else f"?statementId={statement_id}"
    answer = tool.send(method, "" if method == "GET" else data, query=query)
    assert answer.status_code in {200, 204, 400, 404, 409}, answer.content


#: One tool per test run: Hypothesis calls the test many times with the
#: same ``world`` (one database transaction), so the credential is made once.
_TOOLS: dict[int, Tool] = {}


def _tool(client, world) -> Tool:
    key = world.school.pk
    if key not in _TOOLS:
        make_item(world.school)
        _TOOLS.clear()
        _TOOLS[key] = Tool(client, world.school, name=f"fuzz-{key}")
    tool = _TOOLS[key]
    tool.client = client
    return tool


def test_a_valid_generated_statement_is_accepted(client, world):
    """The strategies can produce acceptable statements (so the fuzz test is
    not only exercising refusals)."""
    tool = Tool(client, world.school, name="check")
    item = make_item(world.school)
    body = {
        "actor": {"account": {"homePage": "https://x.example", "name": world.learner.username}},
        "verb": {"id": ANSWERED},
        "object": {"id": activities.item_activity_id(item.pk)},
        "result": {"response": "4", "duration": "P1Y2M3DT4H5M6.5S", "score": {"scaled": 1}},
        "timestamp": "2199-12-31T23:59:59+14:00",
    }
    assert tool.send("POST", body).status_code == 200

"""The API's operations stay put (issue #21): every path, method and
operation id of ``/api/v1/openapi.json`` is pinned in
``openapi_operations.json``, so moving an endpoint between modules cannot
rename or drop an operation unnoticed. An endpoint added on purpose is added
to the file in the same commit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

PINNED = Path(__file__).with_name("openapi_operations.json")
METHODS = ("get", "put", "post", "delete", "patch")

pytestmark = pytest.mark.django_db


def test_paths_methods_and_operation_ids_are_pinned(client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    served = sorted(
        [path, method, operation["operationId"]]
        for path, methods in paths.items()
        for method, operation in methods.items()
        if method in METHODS
    )
    assert served == json.loads(PINNED.read_text())


def test_operation_ids_are_unique() -> None:
    ids = [operation_id for _path, _method, operation_id in json.loads(PINNED.read_text())]
    assert len(ids) == len(set(ids))

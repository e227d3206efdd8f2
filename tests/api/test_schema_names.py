"""Every API schema has its own name: the OpenAPI document keys components by
class name, so two routers' ``PlanOut`` would silently document one shape for
both endpoints."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections import defaultdict

from ninja import Schema

import trellis.api.routers as routers_pkg


def test_schema_class_names_are_unique_across_routers() -> None:
    modules = [
        importlib.import_module(m.name)
        for m in pkgutil.walk_packages(routers_pkg.__path__, prefix=f"{routers_pkg.__name__}.")
    ]
    where: dict[str, set[str]] = defaultdict(set)
    for module in modules:
        for name, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, Schema) and obj is not Schema and obj.__module__ == module.__name__:
                where[name].add(module.__name__)
    clashes = {name: sorted(mods) for name, mods in where.items() if len(mods) > 1}
    assert clashes == {}


def test_openapi_document_keeps_each_routers_shape(client) -> None:
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert "GroupPlanOut" in schema and "PlanOut" in schema
    assert schema["GroupPlanOut"]["properties"] != schema["PlanOut"]["properties"]

"""The API's resource modules stay thin (issue #21): the routers split into
one module per resource (evidence, differentiation, individualization,
personalization) fetch through the apps' ``selectors`` and refuse through
their ``access`` functions. No ORM query (``.objects``, ``.filter(``) and no
permission check (``has_perm``) is written in them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import trellis.api.routers as routers_pkg

ROUTERS = Path(routers_pkg.__file__).parent
SPLIT = ("evidence", "differentiation", "individualization", "personalization")
FORBIDDEN = re.compile(r"\.objects\b|\.filter\(|\.exclude\(|\.values_list\(|has_perm\(")


@pytest.mark.parametrize("app", SPLIT)
def test_a_split_router_is_a_package_with_its_schemas_apart(app) -> None:
    package = ROUTERS / app
    assert not (ROUTERS / f"{app}.py").exists()
    assert (package / "__init__.py").is_file() and (package / "schemas.py").is_file()
    resources = [p for p in package.glob("*.py") if p.stem not in ("__init__", "schemas", "common")]
    assert len(resources) >= 3
    for module in resources:
        assert not re.search(r"^class \w+\(Schema\)", module.read_text(), re.M), module.name


@pytest.mark.parametrize("app", SPLIT)
def test_resource_modules_hold_no_query_and_no_permission_check(app) -> None:
    found = {
        f"{path.relative_to(ROUTERS)}:{n}": line.strip()
        for path in sorted((ROUTERS / app).glob("*.py"))
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if FORBIDDEN.search(line)
    }
    assert found == {}


def test_the_check_sees_a_query_and_a_permission_check() -> None:
    assert FORBIDDEN.search("    qs = Item.objects.all()")
    assert FORBIDDEN.search("    qs = qs.filter(pk=1)")
    assert FORBIDDEN.search('    if not user.has_perm("x.y", z):')
    assert not FORBIDDEN.search("    rows = selectors.goals_for_api(request.user)")

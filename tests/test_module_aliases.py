"""No one- or two-letter module aliases (``import trellis.x as m``, ``from
trellis import models as m``) in src, tests or bench: a reader should see
which module ``m.Group`` comes from. The community's own spellings
(``CONVENTIONAL``) are kept: every reader knows ``np`` and ``dt``."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TREES = ("src", "tests", "bench")
SHORT_ALIAS = "{path}:{line}: module {module} imported as {alias!r}; import the names or the module by its own name"
#: Aliases the Python community writes everywhere; nothing else that short.
CONVENTIONAL = {
    ("numpy", "np"),
    ("pandas", "pd"),
    ("datetime", "dt"),
    ("hypothesis.strategies", "st"),
    ("xml.etree.ElementTree", "ET"),
}


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def short_module_aliases(source: str, path: str = "<source>") -> list[str]:
    """Every one- or two-letter alias of a module in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            pairs = [(a.name, a.asname) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            pairs = [
                (f"{node.module}.{a.name}", a.asname)
                for a in node.names
                if a.asname and len(a.asname) <= 2 and _is_module(f"{node.module}.{a.name}")
            ]
        else:
            continue
        for module, alias in pairs:
            if alias and len(alias) <= 2 and (module, alias) not in CONVENTIONAL:
                found.append(
                    SHORT_ALIAS.format(path=path, line=node.lineno, module=module, alias=alias)
                )
    return found


def test_no_short_module_aliases():
    found = []
    for tree in TREES:
        for path in sorted((ROOT / tree).rglob("*.py")):
            rel = path.relative_to(ROOT)
            found += short_module_aliases(path.read_text(encoding="utf-8"), str(rel))
    assert found == []


@pytest.mark.parametrize(
    "source",
    [
        "import trellis.engine.monitoring as m",
        "from trellis.engine import monitoring as m",
        "import scipy.sparse as sp",
        "def f():\n    from trellis.evidence.models import assessment as a\n",
    ],
)
def test_a_short_module_alias_is_found(source):
    assert len(short_module_aliases(source)) == 1


@pytest.mark.parametrize(
    "source",
    [
        "import numpy as np",
        "from trellis.engine import monitoring",
        "from trellis.engine.monitoring import AimLine as A",  # a class, not a module
        "from django.utils.translation import gettext as _",
    ],
)
def test_names_and_conventional_aliases_pass(source):
    assert short_module_aliases(source) == []

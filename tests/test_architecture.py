"""Architecture rules that import-linter cannot express (it sees modules, not
names): no app imports another app's private names. The layers and the
table ownership contracts are in pyproject.toml (``lint-imports``); see
docs/architecture.md."""

from __future__ import annotations

import ast
from pathlib import Path

import trellis

SRC = Path(trellis.__file__).parent
PRIVATE_ACROSS_APPS = "{module} imports {name} from {source}: a private name of another app"


def _modules(root: Path):
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        rel = path.relative_to(root.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        yield ".".join(parts), path


def private_imports_across_apps(root: Path = SRC) -> list[str]:
    found = []
    for module, path in _modules(root):
        app = module.split(".")[1] if "." in module else None
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.ImportFrom) or node.level or not node.module:
                continue
            if not node.module.startswith("trellis."):
                continue
            source_app = node.module.split(".")[1]
            if source_app == app:
                continue
            private_parts = [p for p in node.module.split(".") if p.startswith("_")]
            names = [a.name for a in node.names if a.name.startswith("_")] + private_parts
            found += [
                PRIVATE_ACROSS_APPS.format(module=module, name=name, source=node.module)
                for name in names
            ]
    return found


def test_no_app_imports_another_apps_private_names():
    assert private_imports_across_apps() == []


def test_the_check_sees_a_private_import_and_allows_one_inside_an_app(tmp_path):
    root = tmp_path / "trellis"
    (root / "family").mkdir(parents=True)
    (root / "family" / "views.py").write_text(
        "from trellis.people.access import NOT_FOUND, _hidden\n"
        "from trellis.family.selectors import _own\n"
    )
    assert private_imports_across_apps(root) == [
        PRIVATE_ACROSS_APPS.format(
            module="trellis.family.views", name="_hidden", source="trellis.people.access"
        )
    ]

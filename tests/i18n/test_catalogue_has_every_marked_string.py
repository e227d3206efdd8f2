"""Every string Python marks for translation is in the Spanish catalogue.

``makemessages`` (GNU xgettext) does not look inside f-strings, so a
``_("trend")`` written inside one is translated by nobody: the catalogue
loses it the next time it is made, and the page says it in English. This
reads the source with ``ast``, which does see inside f-strings, and checks
each literal given to a gettext function against the compiled catalogue."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "src" / "trellis"
CATALOGUE = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.mo"
SINGULAR = {"_", "gettext", "gettext_lazy", "gettext_noop"}
PLURAL = {"ngettext", "ngettext_lazy"}
MISSING = "{where}: {msgid!r} is marked for translation but not in the catalogue"


def _name(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def marked_strings(root: Path) -> list[tuple[str, str | tuple[str, int]]]:
    """(module:line, catalogue key) for each gettext call given a literal."""
    found = []
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            first = node.args[0]
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                continue
            where = f"{path.relative_to(root)}:{node.lineno}"
            name = _name(node)
            if name in SINGULAR and first.value:
                found.append((where, first.value))
            elif name in PLURAL:
                found.append((where, (first.value, 0)))
    return found


def missing_from(catalogue: dict, root: Path = ROOT) -> list[str]:
    return [
        MISSING.format(where=where, msgid=key)
        for where, key in marked_strings(root)
        if key not in catalogue
    ]


def test_every_string_marked_in_python_is_in_the_spanish_catalogue():
    with CATALOGUE.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)._catalog  # noqa: SLF001
    assert missing_from(catalogue) == []


def test_the_check_sees_a_word_marked_inside_an_f_string(tmp_path):
    (tmp_path / "chart.py").write_text(
        "from django.utils.translation import gettext as _\n"
        "LEGEND = f\"<text>{_('data point')}</text>\"\n"
        'TITLE = _("Progress")\n'
    )
    assert missing_from({"Progress": "Progreso"}, tmp_path) == [
        MISSING.format(where="chart.py:2", msgid="data point")
    ]

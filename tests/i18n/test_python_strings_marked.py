"""Sentences a person reads, written in Python, go through gettext.

Reads every module of ``src/trellis`` (but the engine, which speaks English
and is said in other languages on the Django side, migrations, management
commands and demo data) and fails on a string literal that reads like an
English sentence -- a capital, then words, ending in a full stop, a
question or an exclamation mark, or three words or more -- that is not
inside a gettext call, a log call, a developer's exception (``ValueError``
and the like, which a page turns into its own words) or ``__str__``.

What is left in English on purpose is listed below with the reason; see
docs/i18n.md ("Not translated yet")."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "src" / "trellis"

TRANSLATING = {
    "_",
    "gettext",
    "gettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "gettext_noop",
    "format_lazy",
}
#: Calls whose text is for the people who run Trellis, not its users.
FOR_OPERATORS = {"debug", "info", "warning", "error", "exception", "critical", "write"}
DEVELOPER_ERRORS = {
    "ValueError",
    "TypeError",
    "RuntimeError",
    "ImproperlyConfigured",
    "CommandError",
    "AssertionError",
    "KeyError",
    "NotImplementedError",
    "LookupError",
    "IndexError",
    "AttributeError",
    "OSError",
    "ImportError",
}
SENTENCE = re.compile(r"^[A-Z][^\n]*\b[a-z]+ [a-z]+\b.*[.?!]$|^[A-Z][a-z]+( [a-z’']+){2,}")
SKIPPED_PARTS = {"engine", "migrations", "management", "demo"}
SKIPPED_FILES = {"demo.py", "settings.py", "apps.py"}

#: Left in English on purpose, by module (a directory ends with "/").
ENGLISH_ON_PURPOSE = {
    # OpenAPI summaries, descriptions and status texts: the API's reference
    # for developers; the API's messages for people come from the services.
    "api/": "the API reference",
    # Read by other programs (xAPI tools), not people.
    "interop/xapi/errors.py": "machine-facing",
    # A README inside the learner's exported record, for whoever reads the zip.
    "interop/learner_record.py": "export README",
    # The English stored beside an engine phrase (said in other languages
    # from the phrase by differentiation.words).
    "differentiation/words.py": "English beside the phrase",
    "differentiation/services.py": "English beside the phrase",
    "differentiation/suggest.py": "English beside the phrase",
}


def _on_purpose(relative: str) -> bool:
    return any(
        relative.startswith(prefix) if prefix.endswith("/") else relative == prefix
        for prefix in ENGLISH_ON_PURPOSE
    )


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _docstrings(tree: ast.AST) -> set[ast.AST]:
    found: set[ast.AST] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(first.value)
    return found


def _exempt(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.Call) and (
            _name(node.func) in TRANSLATING | FOR_OPERATORS | DEVELOPER_ERRORS
        ):
            return True
        if isinstance(node, ast.FunctionDef) and node.name in ("__str__", "__repr__"):
            return True
    return False


def untranslated_sentences(source: str) -> list[tuple[int, str]]:
    """(line, text) of each English sentence in ``source`` outside gettext."""
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    docstrings = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and node not in docstrings
            and not isinstance(parents.get(node), ast.JoinedStr)
        ):
            text = node.value
        else:
            continue
        if SENTENCE.search(text.strip()) and not _exempt(node, parents):
            found.append((node.lineno, text.strip()))
    return found


def test_the_check_finds_an_unmarked_sentence_and_passes_a_marked_one():
    source = (
        "from django.utils.translation import gettext_lazy as _\n"
        'A = "Choose one of the options."\n'
        'B = _("Choose one of the options.")\n'
        "def f(n):\n"
        '    return f"You picked {n} of the options."\n'
        "def g():\n"
        '    raise ValueError("Threshold must be positive.")\n'
    )
    assert [line for line, _text in untranslated_sentences(source)] == [2, 5]


def test_every_sentence_a_person_reads_is_marked_for_translation():
    problems = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        parts = set(path.relative_to(ROOT).parts)
        if parts & SKIPPED_PARTS or path.name in SKIPPED_FILES or _on_purpose(relative):
            continue
        for line, text in untranslated_sentences(path.read_text(encoding="utf-8")):
            problems.append(f"{relative}:{line}: {text[:80]}")
    assert not problems, "English sentences outside gettext:\n" + "\n".join(problems)

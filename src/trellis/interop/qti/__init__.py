"""QTI 3.0 item packages: import and export of a school's items.

``import_items(file, school=…)`` reads an IMS content package (an
``imsmanifest.xml`` and one ``qti-assessment-item`` file per item), checks
every item and every competency link, and creates the items in one
transaction, or refuses the whole package (``QtiRefused``, with every
problem and its file, line and element). ``export_items(out, school=…)``
writes a package that imports back to the same items. See docs/qti.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, BinaryIO

from django.core.exceptions import ValidationError
from django.db import transaction

from trellis.curriculum import services
from trellis.curriculum.selectors import competencies_for_school
from trellis.interop.qti import errors
from trellis.interop.qti.errors import Problem, QtiRefused, problem
from trellis.interop.qti.export import export_items, items_for_export
from trellis.interop.qti.reader import ItemDraft, read_package
from trellis.interop.qti.spec import MANIFEST_FILE

if TYPE_CHECKING:
    from trellis.people.models import School, User

if TYPE_CHECKING:
    from trellis.curriculum.models import Competency, Item

__all__ = [
    "Problem",
    "QtiRefused",
    "export_items",
    "import_items",
    "items_for_export",
]


def _resolve(
    drafts: list[ItemDraft], school: School, problems: list[Problem]
) -> dict[str, list[Competency]]:
    """Each draft's competencies among the school's frameworks and the
    global ones; a link to any other competency is a problem."""
    wanted = {ref.identifier for draft in drafts for ref in draft.competencies}
    found = (
        competencies_for_school(school).filter(identifier__in=wanted).select_related("framework")
    )
    by_key: dict[tuple[str, str], Competency] = {}
    by_identifier: dict[str, list[Competency]] = {}
    for competency in found:
        by_key[(competency.framework.identifier, competency.identifier)] = competency
        by_identifier.setdefault(competency.identifier, []).append(competency)
    resolved: dict[str, list[Competency]] = {}
    for draft in drafts:
        chosen: list[Competency] = []
        if not draft.competencies:
            problems.append(
                problem(
                    MANIFEST_FILE,
                    draft.manifest_line,
                    "resource",
                    errors.NO_COMPETENCY,
                    identifier=repr(draft.identifier),
                )
            )
        for ref in draft.competencies:
            match = by_key.get((ref.framework, ref.identifier))
            if (
                match is None
                and not ref.framework
                and len(by_identifier.get(ref.identifier, [])) == 1
            ):
                match = by_identifier[ref.identifier][0]
            if match is None:
                problems.append(
                    problem(
                        MANIFEST_FILE,
                        ref.line,
                        "taxon",
                        errors.COMPETENCY_UNKNOWN,
                        identifier=repr(ref.identifier),
                        framework=repr(ref.framework),
                    )
                )
            elif match not in chosen:
                chosen.append(match)
        resolved[draft.file] = chosen
    return resolved


def import_items(
    source: str | BinaryIO,
    *,
    school: School,
    user: User | None = None,
    max_total_bytes: int | None = None,
) -> list[Item]:
    """Create the package's items in ``school``, all or none."""
    package = read_package(source, max_total_bytes=max_total_bytes)
    problems = list(package.problems)
    with transaction.atomic():
        resolved = _resolve(package.items, school, problems)
        created: list[Item] = []
        if not problems:
            for draft in package.items:
                try:
                    created.append(
                        services.item_create(
                            school=school,
                            kind=draft.kind,
                            prompt=draft.prompt,
                            competencies=resolved[draft.file],
                            created_by=user,
                            options=draft.options,
                            numeric_answer=draft.numeric_answer,
                            numeric_tolerance=draft.numeric_tolerance,
                            accepted_answers=draft.accepted_answers,
                            rubric=draft.rubric,
                        )
                    )
                except ValidationError as exc:
                    problems.extend(
                        problem(draft.file, 0, "", errors.ITEM_REFUSED, reason=message)
                        for message in exc.messages
                    )
        if problems:
            raise QtiRefused(problems)
    return created

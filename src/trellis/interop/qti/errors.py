"""Every reason a QTI package is refused, as a message template, and the
``Problem`` that carries one with its file, line and element. Templates are
marked for translation and formatted in the reader's language when the
problem is found; tests format the same templates."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext, gettext_noop

# The archive.
NOT_A_ZIP = gettext_noop("The upload is not a readable zip archive ({error}).")
TOO_MANY_ENTRIES = gettext_noop(
    "The zip holds {count} entries; a QTI package may hold at most {limit}."
)
ENTRY_NAME_TOO_LONG = gettext_noop(
    "The zip entry {name} has a name {length} characters long; at most {limit} are read."
)
ENTRY_UNSAFE_PATH = gettext_noop(
    "The zip entry {name} is an absolute path or climbs out of the package with '..'."
)
TOO_LARGE = gettext_noop(
    "The package decompresses to more than {limit}; Trellis reads at most that much from "
    "one upload. Split it into several packages."
)
MISSING_MANIFEST = gettext_noop("The zip has no imsmanifest.xml at its top level.")

# XML in general.
MALFORMED_XML = gettext_noop("The XML is not well formed: {error}")
DTD_REFUSED = gettext_noop(
    "The document declares a DTD (<!DOCTYPE …>); Trellis reads QTI without DTDs or entities."
)
WRONG_ROOT = gettext_noop("The root element is {found}; expected {expected}.")
NOT_UTF8 = gettext_noop("The file is not UTF-8 text ({error}).")

# The manifest.
NO_ITEMS = gettext_noop("The manifest lists no assessment item (resource type {type}).")
RESOURCE_NO_HREF = gettext_noop("The resource {identifier} has no href.")
RESOURCE_FILE_MISSING = gettext_noop(
    "The resource {identifier} refers to {href}, which is not in the zip."
)
RESOURCE_UNSAFE_HREF = gettext_noop(
    "The resource {identifier} refers to {href}, outside the package."
)
UNKNOWN_RESOURCE_TYPE = gettext_noop(
    "The resource {identifier} is of type {type}; Trellis imports assessment items "
    "({expected}) only, so it was not read."
)
COMPETENCY_UNKNOWN = gettext_noop(
    "The competency {identifier} (framework {framework}) does not exist in this school's "
    "frameworks or the global ones; import the framework first (CASE) or remove the link."
)
NO_COMPETENCY = gettext_noop(
    "The item {identifier} names no competency; every Trellis item is tagged with at least "
    "one (classification with purpose competency in the resource's LOM metadata)."
)

# An item.
NO_INTERACTION = gettext_noop("The item body has no interaction.")
SEVERAL_INTERACTIONS = gettext_noop(
    "The item has {count} interactions; Trellis items have exactly one."
)
UNKNOWN_INTERACTION = gettext_noop(
    "The interaction {element} has no Trellis item kind (Trellis imports "
    "qti-choice-interaction, qti-text-entry-interaction and qti-extended-text-interaction)."
)
NO_RESPONSE_DECLARATION = gettext_noop(
    "No qti-response-declaration has the identifier {identifier} that the interaction answers."
)
BAD_CARDINALITY = gettext_noop(
    "The response's cardinality is {cardinality}; a choice interaction is read with single "
    "(one option) or multiple (choose all that apply)."
)
SINGLE_MAX_CHOICES = gettext_noop(
    "The choice interaction lets the learner choose {count} options but the response's "
    "cardinality is single; use cardinality multiple for choose-all-that-apply."
)
MAX_CHOICES_BAD = gettext_noop(
    "max-choices is {value}; it must be 0 (any number) or a whole number at least as large as "
    "the {count} correct choice(s)."
)
MULTIPLE_BAD_CORRECT = gettext_noop(
    "The correct response names {values}; a Trellis multiple-response item needs at least one "
    "of the interaction's qti-simple-choice identifiers, each named once."
)
CHOICE_BAD_CORRECT = gettext_noop(
    "The correct response names {count} choice(s) ({values}); a Trellis multiple-choice item "
    "needs exactly one of the interaction's qti-simple-choice identifiers."
)
TOO_FEW_CHOICES = gettext_noop("The choice interaction has {count} choice(s); at least 2 needed.")
EMPTY_CHOICE = gettext_noop("The choice {identifier} has no text.")
CORRECT_REMOVABLE = gettext_noop(
    "The correct choice {identifier} is marked removable (data-trellis-removable)."
)
BAD_BASE_TYPE = gettext_noop(
    "The response's base-type is {found}; a {interaction} is read with base-type {expected}."
)
NUMBER_EXPECTED = gettext_noop("{value} is not a number.")
NO_CORRECT_VALUE = gettext_noop("The response declares no correct value.")
NO_ACCEPTED_ANSWER = gettext_noop(
    "The text entry has no accepted answer (no qti-correct-response value and no "
    "qti-map-entry worth more than 0)."
)
NEGATIVE_TOLERANCE = gettext_noop("The tolerance {value} is negative.")
NO_RUBRIC = gettext_noop(
    "The extended text interaction has no scoring rubric (qti-rubric-block with view "
    "scorer, one per criterion)."
)
CRITERION_NO_NAME = gettext_noop("The rubric criterion has no name (its first paragraph).")
CRITERION_LEVELS = gettext_noop(
    "The rubric criterion {name} lists {count} level(s); at least 2 are needed (an ol of li)."
)
EMPTY_PROMPT = gettext_noop("The item has no question text.")
ITEM_REFUSED = gettext_noop("Trellis refuses the item: {reason}")


@dataclass(frozen=True, order=True)
class Problem:
    """One reason the package is refused. ``line`` counts from 1; 0 means
    the file as a whole. ``element`` names the XML element (or is empty)."""

    file: str
    line: int
    element: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += gettext(", line {line}").format(line=self.line)
        if self.element:
            where += f", <{self.element}>"
        return f"{where}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "element": self.element,
            "message": self.message,
        }


def problem(
    file: str, line: int | None, element: str, template: str, /, **values: object
) -> Problem:
    """A problem whose message is ``template`` in the active language."""
    return Problem(file, line or 0, element, gettext(template).format(**values))


#: How many problems a report lists; the rest are counted.
REPORTED_PROBLEMS = 100


class QtiRefused(Exception):
    """The package was refused; nothing was written. ``problems`` lists
    every reason; ``shown`` the first ``REPORTED_PROBLEMS`` and ``more`` how
    many a report leaves out."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__(
            gettext("The QTI package was refused: {count} problem(s).").format(
                count=len(self.problems)
            )
        )

    @property
    def shown(self) -> list[Problem]:
        return self.problems[:REPORTED_PROBLEMS]

    @property
    def more(self) -> int:
        return max(0, len(self.problems) - REPORTED_PROBLEMS)

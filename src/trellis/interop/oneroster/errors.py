"""Every reason a OneRoster file is refused, as a message template, and the
``Problem`` that carries one with its file, line and column. Tests format
the same templates, so a changed message changes in one place."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

# The archive and its manifest.
NOT_A_ZIP = _("The upload is not a readable zip archive ({error}).")
TOO_MANY_ENTRIES = _("The zip holds {count} entries; a OneRoster zip may hold at most {limit}.")
ENTRY_NAME_TOO_LONG = _(
    "The zip entry {name!r} has a name {length} characters long; at most {limit} are read."
)
ENTRY_UNSAFE_PATH = _(
    "The zip entry {name!r} is an absolute path or climbs out of the archive with '..'; "
    "put the OneRoster files at the top of the zip."
)
ENTRY_TWICE = _("The zip holds {base} twice ({first!r} and {second!r}); keep one.")
TOO_LARGE = _(
    "The zip's files decompress to more than {limit} together; Trellis reads at most that "
    "much from one OneRoster upload. Split the roster or use delta files."
)
TOO_MANY_PROBLEMS = _(
    "Reading stopped after {count} problems in this file; fix these and try again."
)
MISSING_MANIFEST = _("The zip has no manifest.csv.")
MANIFEST_BAD_HEADER = _("manifest.csv must start with the header propertyName,value.")
MANIFEST_MISSING_PROPERTY = _("manifest.csv has no {property} row.")
MANIFEST_BAD_VERSION = _("{property} is {value!r}; Trellis reads {expected}.")
MANIFEST_BAD_MODE = _("{property} is {value!r}; use bulk, delta or absent.")
FILE_MISSING = _("manifest.csv marks {name} as {mode}, but the zip has no {filename}.")
NO_ROLES = _(
    "There is no roles.csv and users.csv has no role column, so no user would get a role: "
    "give roles in roles.csv (OneRoster 1.2) or in users.csv's role and orgSourcedIds "
    "columns (OneRoster 1.1)."
)

# A file's shape.
BAD_ENCODING = _("The file is not UTF-8 text ({error}).")
EMPTY_FILE = _("The file has no header row.")
MISSING_COLUMN = _("Required column {column} is missing from the header.")
DUPLICATE_COLUMN = _("Column {column} appears more than once in the header.")
EXTRA_FIELDS = _("The row has {count} fields; the header has {expected}.")
NUL_CHARACTER = _("The file contains a NUL character (byte 0), which Trellis cannot store.")
BAD_CSV = _("The file is not valid CSV ({error}).")

# A row's values.
REQUIRED_VALUE = _("{column} must not be blank.")
DUPLICATE_SOURCED_ID = _(
    "sourcedId {value!r} appears more than once in {filename} (also line {other_line})."
)
BAD_STATUS = _("status {value!r} is not active or tobedeleted.")
DELTA_NEEDS_STATUS = _("A delta file needs a status (active or tobedeleted) on every row.")
DELTA_NEEDS_DATE = _("A delta file needs a dateLastModified on every row.")
BAD_DATE = _("{value!r} is not a date written YYYY-MM-DD.")
BAD_DATETIME = _("{value!r} is not an ISO 8601 date and time (for example 2026-08-31T08:00:00Z).")
DATE_ORDER = _("{column} {value} is before {start_column} {start}.")
BAD_CHOICE = _("{value!r} is not a valid {column}; use one of: {choices}.")
TOO_LONG = _("{column} is {length} characters long; Trellis keeps at most {limit}.")
OTHER_SOURCE = _(
    "{kind} {value!r} came from {owner}; this file comes from {source}, which may not "
    "change it. Import the file of the system the record came from."
)
UNKNOWN_REFERENCE = _("{column} {value!r} matches no {target} in this file or in earlier imports.")
NOT_A_SCHOOL = _("{column} {value!r} is an org of type {type!r}, not a school.")
ENROLLMENT_OTHER_SCHOOL = _(
    "schoolSourcedId {value!r} is not the school of class {class_id!r} ({school!r})."
)
BAD_USERNAME = _(
    "username {value!r} may contain only letters, digits and the characters @ . + - _."
)
USERNAME_TWICE = _("username {value!r} is also the username of user {other!r}.")
USERNAME_TAKEN = _(
    "username {value!r} already belongs to a Trellis account that did not come from "
    "OneRoster; rename one of them or link the account first."
)
SCHOOL_CODE_TWICE = _("The school code {code!r} (from {column}) is also the code of org {other!r}.")
SCHOOL_CODE_TAKEN = _(
    "The school code {code!r} (from {column}) already belongs to the school of org {other!r}."
)
ENROLLED_WITHOUT_ROLE = _(
    "User {user!r} is enrolled as {role} in class {class_id!r}, but holds no active "
    "{role} role at that class's school {school!r}."
)

# Not refusals: what the report mentions.
IGNORED_FILE = _("{filename} is accepted and not read.")
UNREAD_FILE = _("{filename} is in the zip but the manifest marks it absent; it was not read.")
OPERATOR_KEPT = _(
    "The account {username!r} is a site operator's and stays active; the file would "
    "have deactivated it."
)
OTHER_SOURCES_KEPT = _(
    "{count} records from other sources ({sources}) are not in this bulk file and were "
    "left as they are."
)
UNMAPPED_ROLES = _("{count} role rows of kinds Trellis gives no role to ({roles}) were kept.")
CLASS_SEVERAL_TERMS = _("{count} classes list several terms; each is placed in its first term.")


@dataclass(frozen=True, order=True)
class Problem:
    """One reason the file is refused. ``line`` counts from 1 (the header);
    0 means the file as a whole."""

    file: str
    line: int
    column: str
    message: str

    def __post_init__(self) -> None:
        # A constant without values is a lazy message: keep it as text in
        # the active language, so it compares, sorts and serialises as text.
        object.__setattr__(self, "message", str(self.message))

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f", line {self.line}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


#: How many problems a report lists; the rest are counted ("and 12 more").
REPORTED_PROBLEMS = 100


class RosterRefused(Exception):
    """The file was refused; nothing was written. ``problems`` lists every
    reason; ``shown`` the first ``REPORTED_PROBLEMS`` of them and ``more``
    how many a report leaves out."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        count = len(self.problems)
        super().__init__(
            ngettext(
                "The OneRoster file was refused: {count} problem.",
                "The OneRoster file was refused: {count} problems.",
                count,
            ).format(count=count)
        )

    @property
    def shown(self) -> list[Problem]:
        return self.problems[:REPORTED_PROBLEMS]

    @property
    def more(self) -> int:
        return max(0, len(self.problems) - REPORTED_PROBLEMS)

    def report(self) -> list[str]:
        """The problems as lines: the first ``REPORTED_PROBLEMS``, then "… and N more"."""
        lines = [str(problem) for problem in self.shown]
        if self.more:
            lines.append(
                ngettext(
                    "… and {count} more problem, not listed.",
                    "… and {count} more problems, not listed.",
                    self.more,
                ).format(count=self.more)
            )
        return lines

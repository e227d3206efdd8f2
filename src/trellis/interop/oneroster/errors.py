"""Every reason a OneRoster file is refused, as a message template, and the
``Problem`` that carries one with its file, line and column. Tests format
the same templates, so a changed message changes in one place."""

from __future__ import annotations

from dataclasses import dataclass

# The archive and its manifest.
NOT_A_ZIP = "The upload is not a readable zip archive ({error})."
MISSING_MANIFEST = "The zip has no manifest.csv."
MANIFEST_BAD_HEADER = "manifest.csv must start with the header propertyName,value."
MANIFEST_MISSING_PROPERTY = "manifest.csv has no {property} row."
MANIFEST_BAD_VERSION = "{property} is {value!r}; Trellis reads {expected}."
MANIFEST_BAD_MODE = "{property} is {value!r}; use bulk, delta or absent."
FILE_MISSING = "manifest.csv marks {name} as {mode}, but the zip has no {filename}."
NO_ROLES = (
    "There is no roles.csv and users.csv has no role column, so no user would get a role: "
    "give roles in roles.csv (OneRoster 1.2) or in users.csv's role and orgSourcedIds "
    "columns (OneRoster 1.1)."
)

# A file's shape.
BAD_ENCODING = "The file is not UTF-8 text ({error})."
EMPTY_FILE = "The file has no header row."
MISSING_COLUMN = "Required column {column} is missing from the header."
DUPLICATE_COLUMN = "Column {column} appears more than once in the header."
EXTRA_FIELDS = "The row has {count} fields; the header has {expected}."
BAD_CSV = "The file is not valid CSV ({error})."
NUL_CHARACTER = "The file contains a NUL character (\\0), which Trellis cannot store."

# A row's values.
REQUIRED_VALUE = "{column} must not be blank."
DUPLICATE_SOURCED_ID = (
    "sourcedId {value!r} appears more than once in {filename} (also line {other_line})."
)
BAD_STATUS = "status {value!r} is not active or tobedeleted."
DELTA_NEEDS_STATUS = "A delta file needs a status (active or tobedeleted) on every row."
DELTA_NEEDS_DATE = "A delta file needs a dateLastModified on every row."
BAD_DATE = "{value!r} is not a date written YYYY-MM-DD."
BAD_DATETIME = "{value!r} is not an ISO 8601 date and time (for example 2026-08-31T08:00:00Z)."
DATE_ORDER = "{column} {value} is before {start_column} {start}."
BAD_CHOICE = "{value!r} is not a valid {column}; use one of: {choices}."
TOO_LONG = "{column} is {length} characters long; Trellis keeps at most {limit}."
UNKNOWN_REFERENCE = "{column} {value!r} matches no {target} in this file or in earlier imports."
NOT_A_SCHOOL = "{column} {value!r} is an org of type {type!r}, not a school."
ENROLLMENT_OTHER_SCHOOL = (
    "schoolSourcedId {value!r} is not the school of class {class_id!r} ({school!r})."
)
BAD_USERNAME = "username {value!r} may contain only letters, digits and the characters @ . + - _."
USERNAME_TWICE = "username {value!r} is also the username of user {other!r}."
USERNAME_TAKEN = (
    "username {value!r} already belongs to a Trellis account that did not come from "
    "OneRoster; rename one of them or link the account first."
)
SCHOOL_CODE_TWICE = "The school code {code!r} (from {column}) is also the code of org {other!r}."
SCHOOL_CODE_TAKEN = (
    "The school code {code!r} (from {column}) already belongs to the school of org {other!r}."
)
ENROLLED_WITHOUT_ROLE = (
    "User {user!r} is enrolled as {role} in class {class_id!r}, but holds no active "
    "{role} role at that class's school {school!r}."
)

# Not refusals: what the report mentions.
IGNORED_FILE = "{filename} is accepted and not read."
UNREAD_FILE = "{filename} is in the zip but the manifest marks it absent; it was not read."
UNMAPPED_ROLES = "{count} role rows of kinds Trellis gives no role to ({roles}) were kept."
CLASS_SEVERAL_TERMS = "{count} classes list several terms; each is placed in its first term."


@dataclass(frozen=True, order=True)
class Problem:
    """One reason the file is refused. ``line`` counts from 1 (the header);
    0 means the file as a whole."""

    file: str
    line: int
    column: str
    message: str

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


class RosterRefused(Exception):
    """The file was refused; nothing was written. ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__(f"The OneRoster file was refused: {len(self.problems)} problem(s).")

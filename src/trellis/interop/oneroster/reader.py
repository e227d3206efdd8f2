"""Reading a OneRoster 1.2 CSV zip: the manifest, each file's header, and
each row's own values (formats, vocabularies, lengths, duplicates). What
needs the database or other files (references, usernames, schools) is
checked by the planner. Every problem is collected; none stops the reading."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import BinaryIO

from trellis.interop import zips
from trellis.interop.oneroster import errors, spec
from trellis.interop.oneroster.errors import Problem

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_USERNAME_RE = re.compile(r"^[\w.@+-]+\Z")

#: Longest value Trellis stores for a column (the people models' limits).
MAX_LENGTHS: dict[tuple[str, str], int] = {
    ("orgs", "name"): 200,
    ("academicSessions", "title"): 100,
    ("classes", "title"): 150,
    ("users", "username"): 150,
    ("users", "givenName"): 150,
    ("users", "familyName"): 150,
    ("users", "email"): 254,
}
SOURCED_ID_MAX = 255
SOURCE_MAX = 100

DATE_COLUMNS = {
    "academicSessions": ("startDate", "endDate"),
    "roles": ("beginDate", "endDate"),
    "enrollments": ("beginDate", "endDate"),
}
CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("orgs", "type"): spec.ORG_TYPES,
    ("academicSessions", "type"): spec.SESSION_TYPES,
    ("classes", "classType"): spec.CLASS_TYPES,
    ("users", "enabledUser"): spec.BOOLEANS,
    ("roles", "roleType"): spec.ROLE_TYPES,
    ("roles", "role"): tuple(spec.USER_ROLES),
    ("enrollments", "role"): spec.ENROLLMENT_ROLES,
    ("enrollments", "primary"): spec.BOOLEANS,
}


@dataclass
class Row:
    line: int
    data: dict[str, str]
    #: Where problems about this row point: the file and, for rows made from
    #: users.csv's 1.1 role columns, the column each value came from.
    filename: str
    columns: dict[str, str] | None = None

    @property
    def sourced_id(self) -> str:
        return self.data["sourcedId"]

    @property
    def status(self) -> str:
        return self.data.get("status") or spec.ACTIVE

    def column(self, name: str) -> str:
        return (self.columns or {}).get(name, name)

    def problem(self, column: str, message: str) -> Problem:
        return Problem(self.filename, self.line, self.column(column), message)


@dataclass
class FileRows:
    spec: spec.FileSpec
    mode: str
    header: list[str]
    rows: dict[str, Row] = field(default_factory=dict)


@dataclass
class Bundle:
    manifest: dict[str, str] = field(default_factory=dict)
    modes: dict[str, str] = field(default_factory=dict)
    files: dict[str, FileRows] = field(default_factory=dict)
    legacy_roles: bool = False
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def mode(self, name: str) -> str:
        return self.modes.get(name, spec.ABSENT)

    @property
    def source(self) -> str:
        """The system the file comes from: the manifest's ``source.systemCode``,
        else its ``source.systemName``, else blank."""
        for prop in ("source.systemCode", "source.systemName"):
            value = self.manifest.get(prop, "").strip()
            if value:
                return value[:SOURCE_MAX]
        return ""


def parse_date(value: str) -> dt.date | None:
    if not _DATE_RE.match(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def parse_datetime(value: str) -> dt.datetime | None:
    try:
        parsed = dt.datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


def valid_username(value: str) -> bool:
    return bool(_USERNAME_RE.match(value))


#: Limits on what a zip may hold. A OneRoster zip has at most a dozen files
#: at its top level or in one folder; the decompressed size is counted while
#: reading (the sizes a zip's header claims are not trusted).
MAX_ENTRIES = 64
MAX_NAME_LENGTH = 255
MAX_TOTAL_BYTES = 256 * 1024 * 1024
_CHUNK = 1024 * 1024
#: A file with more problems than this is not read further.
MAX_FILE_PROBLEMS = 1000


def _unsafe_name(name: str) -> bool:
    """Whether a zip entry's name is absolute, climbs out with ``..`` or
    names a Windows drive: such entries are refused, not matched."""
    return zips.unsafe_name(name)


def read_zip(source: str | BinaryIO, *, max_total_bytes: int | None = None) -> Bundle:
    """Read and check a OneRoster zip given as a path or a binary file."""
    bundle = Bundle()
    budget = MAX_TOTAL_BYTES if max_total_bytes is None else max_total_bytes
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        bundle.problems.append(Problem("(zip)", 0, "", errors.NOT_A_ZIP.format(error=exc)))
        return bundle
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            bundle.problems.append(
                Problem(
                    "(zip)",
                    0,
                    "",
                    errors.TOO_MANY_ENTRIES.format(count=len(infos), limit=MAX_ENTRIES),
                )
            )
            return bundle
        entries: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = info.filename
            if len(name) > MAX_NAME_LENGTH:
                bundle.problems.append(
                    Problem(
                        "(zip)",
                        0,
                        "",
                        errors.ENTRY_NAME_TOO_LONG.format(
                            name=name[:60] + "…", length=len(name), limit=MAX_NAME_LENGTH
                        ),
                    )
                )
                continue
            if _unsafe_name(name):
                bundle.problems.append(
                    Problem("(zip)", 0, "", errors.ENTRY_UNSAFE_PATH.format(name=name))
                )
                continue
            if info.is_dir():
                continue
            base = PurePosixPath(name.replace("\\", "/")).name
            other = entries.get(base)
            if other is not None:
                bundle.problems.append(
                    Problem(
                        "(zip)",
                        0,
                        "",
                        errors.ENTRY_TWICE.format(base=base, first=other.filename, second=name),
                    )
                )
                continue
            entries[base] = info
        if bundle.problems:
            return bundle
        used = 0

        def load(filename: str) -> bytes | None:
            nonlocal used
            info = entries.get(filename)
            if info is None:
                return None
            chunks: list[bytes] = []
            try:
                with archive.open(info) as stream:
                    while True:
                        chunk = stream.read(min(_CHUNK, budget - used + 1))
                        if not chunk:
                            break
                        used += len(chunk)
                        if used > budget:
                            raise _TooLarge
                        chunks.append(chunk)
            except (
                zipfile.BadZipFile,
                OSError,
                EOFError,
                NotImplementedError,
                RuntimeError,
            ) as exc:
                raise _Unreadable(f"{filename}: {exc}") from exc
            return b"".join(chunks)

        try:
            _read_entries(bundle, load, entries)
        except _TooLarge:
            bundle.files.clear()
            bundle.problems.append(
                Problem("(zip)", 0, "", errors.TOO_LARGE.format(limit=_megabytes(budget)))
            )
        except _Unreadable as exc:
            bundle.files.clear()
            bundle.problems.append(Problem("(zip)", 0, "", errors.NOT_A_ZIP.format(error=exc)))
    return bundle


class _TooLarge(Exception):
    pass


class _Unreadable(Exception):
    pass


def _megabytes(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size} bytes"
    return f"{size / (1024 * 1024):g} MB"


def _read_entries(bundle: Bundle, load, entries: dict[str, zipfile.ZipInfo]) -> None:
    _read_manifest(bundle, load(spec.MANIFEST_FILE))
    if bundle.problems:
        return
    for name in spec.ALL_FILE_NAMES:
        mode = bundle.mode(name)
        filename = f"{name}.csv"
        if mode == spec.ABSENT:
            if filename in entries:
                bundle.notes.append(errors.UNREAD_FILE.format(filename=filename))
            continue
        if filename not in entries:
            bundle.problems.append(
                Problem(
                    spec.MANIFEST_FILE,
                    0,
                    "",
                    errors.FILE_MISSING.format(name=f"file.{name}", mode=mode, filename=filename),
                )
            )
            continue
        if name in spec.IGNORED_FILES:
            bundle.notes.append(errors.IGNORED_FILE.format(filename=filename))
            continue
        file_rows = _read_file(bundle, spec.BY_NAME[name], mode, load(filename) or b"")
        if file_rows is not None:
            bundle.files[name] = file_rows
    _legacy_roles(bundle)


def _decode(bundle: Bundle, filename: str, raw: bytes) -> list[list[str]] | None:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        bundle.problems.append(
            Problem(filename, line, "", errors.BAD_ENCODING.format(error=exc.reason))
        )
        return None
    if "\x00" in text:  # PostgreSQL cannot store it, in text or in JSON
        line = text[: text.index("\x00")].count("\n") + 1
        bundle.problems.append(Problem(filename, line, "", errors.NUL_CHARACTER))
        return None
    try:
        return list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        bundle.problems.append(Problem(filename, 0, "", errors.BAD_CSV.format(error=exc)))
        return None


def _read_manifest(bundle: Bundle, raw: bytes | None) -> None:
    name = spec.MANIFEST_FILE
    if raw is None:
        bundle.problems.append(Problem(name, 0, "", errors.MISSING_MANIFEST))
        return
    rows = _decode(bundle, name, raw)
    if rows is None:
        return
    if not rows or tuple(c.strip() for c in rows[0][:2]) != spec.MANIFEST_COLUMNS:
        bundle.problems.append(Problem(name, 1, "", errors.MANIFEST_BAD_HEADER))
        return
    lines: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if len(row) >= 2 and row[0].strip():
            bundle.manifest[row[0].strip()] = row[1].strip()
            lines[row[0].strip()] = number
    for prop, expected in (
        ("manifest.version", spec.MANIFEST_VERSION),
        ("oneroster.version", spec.ONEROSTER_VERSION),
    ):
        value = bundle.manifest.get(prop)
        if value is None:
            bundle.problems.append(
                Problem(name, 0, "", errors.MANIFEST_MISSING_PROPERTY.format(property=prop))
            )
        elif value != expected:
            bundle.problems.append(
                Problem(
                    name,
                    lines[prop],
                    "value",
                    errors.MANIFEST_BAD_VERSION.format(
                        property=prop, value=value, expected=expected
                    ),
                )
            )
    for file_name in spec.ALL_FILE_NAMES:
        prop = f"file.{file_name}"
        value = bundle.manifest.get(prop, spec.ABSENT)
        if value not in spec.MODES:
            bundle.problems.append(
                Problem(
                    name,
                    lines[prop],
                    "value",
                    errors.MANIFEST_BAD_MODE.format(property=prop, value=value),
                )
            )
            continue
        bundle.modes[file_name] = value


def _read_file(bundle: Bundle, fspec: spec.FileSpec, mode: str, raw: bytes) -> FileRows | None:
    filename = fspec.filename
    problems = bundle.problems
    rows = _decode(bundle, filename, raw)
    if rows is None:
        return None
    if not rows or not any(c.strip() for c in rows[0]):
        problems.append(Problem(filename, 1, "", errors.EMPTY_FILE))
        return None
    header = [c.strip() for c in rows[0]]
    seen: set[str] = set()
    header_ok = True
    for column in header:
        if column in seen:
            problems.append(
                Problem(filename, 1, column, errors.DUPLICATE_COLUMN.format(column=column))
            )
            header_ok = False
        seen.add(column)
    for column in fspec.required:
        if column not in seen:
            problems.append(
                Problem(filename, 1, column, errors.MISSING_COLUMN.format(column=column))
            )
            header_ok = False
    if not header_ok:
        return None

    result = FileRows(spec=fspec, mode=mode, header=header)
    width = len(header)
    name = fspec.name
    required_values = [c for c in fspec.required_values if c in seen]
    date_columns = [c for c in DATE_COLUMNS.get(name, ()) if c in seen]
    choices = [(c, values) for (f, c), values in CHOICES.items() if f == name and c in seen]
    lengths = [(c, limit) for (f, c), limit in MAX_LENGTHS.items() if f == name and c in seen]
    delta = mode == spec.DELTA
    # Columns read by key below, present (maybe blank) in every row's dict.
    always = [
        c
        for c in (
            *fspec.required,
            *date_columns,
            *(c for c, _v in choices),
            *(c for c, _l in lengths),
            "status",
            "dateLastModified",
            "username",
        )
        if c in seen
    ]
    first_line: dict[str, int] = {}
    start = len(problems)
    for line, values in enumerate(rows[1:], start=2):
        if len(problems) - start >= MAX_FILE_PROBLEMS:
            problems.append(
                Problem(filename, 0, "", errors.TOO_MANY_PROBLEMS.format(count=MAX_FILE_PROBLEMS))
            )
            break
        if not any(v.strip() for v in values):
            continue  # a blank line, often the last one
        if len(values) > width:
            problems.append(
                Problem(
                    filename,
                    line,
                    "",
                    errors.EXTRA_FIELDS.format(count=len(values), expected=width),
                )
            )
            continue
        # Blank columns are not kept: an export writes every column of the binding anyway.
        data = {
            column: value
            for column, value in zip(header, map(str.strip, values), strict=False)
            if value or column == "sourcedId"
        }
        for column in always:
            data.setdefault(column, "")
        row = Row(line=line, data=data, filename=filename)
        for column in required_values:
            if not data[column]:
                problems.append(row.problem(column, errors.REQUIRED_VALUE.format(column=column)))
        _check_row(row, problems, delta, date_columns, choices, lengths)
        sourced_id = data["sourcedId"]
        if not sourced_id:
            continue
        if sourced_id in first_line:
            problems.append(
                row.problem(
                    "sourcedId",
                    errors.DUPLICATE_SOURCED_ID.format(
                        value=sourced_id, filename=filename, other_line=first_line[sourced_id]
                    ),
                )
            )
            continue
        first_line[sourced_id] = line
        result.rows[sourced_id] = row
    return result


def _check_row(
    row: Row,
    problems: list[Problem],
    delta: bool,
    date_columns: list[str],
    choices: list[tuple[str, tuple[str, ...]]],
    lengths: list[tuple[str, int]],
) -> None:
    data = row.data
    if len(data["sourcedId"]) > SOURCED_ID_MAX:
        problems.append(
            row.problem(
                "sourcedId",
                errors.TOO_LONG.format(
                    column="sourcedId", length=len(data["sourcedId"]), limit=SOURCED_ID_MAX
                ),
            )
        )
    status = data.get("status", "")
    if status and status not in spec.STATUSES:
        problems.append(row.problem("status", errors.BAD_STATUS.format(value=status)))
    elif delta and not status:
        problems.append(row.problem("status", errors.DELTA_NEEDS_STATUS))
    modified = data.get("dateLastModified", "")
    if modified:
        if parse_datetime(modified) is None:
            problems.append(
                row.problem("dateLastModified", errors.BAD_DATETIME.format(value=modified))
            )
    elif delta:
        problems.append(row.problem("dateLastModified", errors.DELTA_NEEDS_DATE))
    parsed: dict[str, dt.date] = {}
    for column in date_columns:
        value = data[column]
        if not value:
            continue
        day = parse_date(value)
        if day is None:
            problems.append(row.problem(column, errors.BAD_DATE.format(value=value)))
        else:
            parsed[column] = day
    if "endDate" in parsed:
        start_column = "startDate" if "startDate" in date_columns else "beginDate"
        start = parsed.get(start_column)
        if start is not None and parsed["endDate"] < start:
            problems.append(
                row.problem(
                    "endDate",
                    errors.DATE_ORDER.format(
                        column="endDate",
                        value=parsed["endDate"],
                        start_column=start_column,
                        start=start,
                    ),
                )
            )
    for column, allowed in choices:
        value = data[column]
        if value and value not in allowed:
            problems.append(
                row.problem(
                    column,
                    errors.BAD_CHOICE.format(
                        value=value, column=column, choices=", ".join(allowed)
                    ),
                )
            )
    for column, limit in lengths:
        value = data[column]
        if len(value) > limit:
            problems.append(
                row.problem(
                    column, errors.TOO_LONG.format(column=column, length=len(value), limit=limit)
                )
            )
    if (
        row.filename == spec.USERS.filename
        and data.get("username")
        and not valid_username(data["username"])
    ):
        problems.append(row.problem("username", errors.BAD_USERNAME.format(value=data["username"])))


def _legacy_roles(bundle: Bundle) -> None:
    """Without roles.csv, read each user's roles from users.csv's 1.1 columns
    ``role`` and ``orgSourcedIds``: one role row per org, named
    ``<user sourcedId>:<org sourcedId>:<role>``."""
    users = bundle.files.get("users")
    if users is None or "roles" in bundle.files or bundle.mode("roles") != spec.ABSENT:
        return
    if "role" not in users.header:
        return
    bundle.legacy_roles = True
    roles = FileRows(spec=spec.ROLES, mode=users.mode, header=list(spec.ROLES.columns))
    columns = {
        "role": "role",
        "orgSourcedId": "orgSourcedIds",
        "userSourcedId": "sourcedId",
        "sourcedId": "sourcedId",
    }
    allowed = tuple(spec.USER_ROLES)
    for user in users.rows.values():
        role = user.data.get("role", "")
        orgs = spec.split_list(user.data.get("orgSourcedIds", ""))
        if not role:
            bundle.problems.append(
                user.problem("role", errors.REQUIRED_VALUE.format(column="role"))
            )
            continue
        if role not in allowed:
            bundle.problems.append(
                user.problem(
                    "role",
                    errors.BAD_CHOICE.format(value=role, column="role", choices=", ".join(allowed)),
                )
            )
            continue
        if not orgs:
            bundle.problems.append(
                user.problem("orgSourcedIds", errors.REQUIRED_VALUE.format(column="orgSourcedIds"))
            )
            continue
        for index, org in enumerate(orgs):
            sourced_id = f"{user.sourced_id}:{org}:{role}"
            data = dict.fromkeys(spec.ROLES.columns, "")
            data.update(
                sourcedId=sourced_id,
                status=user.data.get("status", ""),
                dateLastModified=user.data.get("dateLastModified", ""),
                userSourcedId=user.sourced_id,
                roleType="primary" if index == 0 else "secondary",
                role=role,
                orgSourcedId=org,
            )
            roles.rows.setdefault(
                sourced_id,
                Row(line=user.line, data=data, filename=users.spec.filename, columns=columns),
            )
    bundle.files["roles"] = roles
    bundle.modes["roles"] = users.mode

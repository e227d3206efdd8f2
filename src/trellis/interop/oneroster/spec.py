"""The parts of the OneRoster 1.2 CSV binding that Trellis reads and writes:
file names, column orders, required columns and vocabularies."""

from __future__ import annotations

from dataclasses import dataclass

ONEROSTER_VERSION = "1.2"
MANIFEST_VERSION = "1.0"
MANIFEST_FILE = "manifest.csv"
MANIFEST_COLUMNS = ("propertyName", "value")

BULK = "bulk"
DELTA = "delta"
ABSENT = "absent"
MODES = (BULK, DELTA, ABSENT)

ACTIVE = "active"
TOBEDELETED = "tobedeleted"
STATUSES = (ACTIVE, TOBEDELETED)


@dataclass(frozen=True)
class FileSpec:
    name: str  # the manifest's name, without .csv: "users"
    kind: str  # the SourcedRecord kind each row becomes
    columns: tuple[str, ...]  # every column, in the binding's order
    required: tuple[str, ...]  # columns that must be in the header
    required_values: tuple[str, ...]  # columns that must not be blank

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"


_HEAD = ("sourcedId", "status", "dateLastModified")

ORGS = FileSpec(
    "orgs",
    "org",
    (*_HEAD, "name", "type", "identifier", "parentSourcedId"),
    ("sourcedId", "name", "type"),
    ("sourcedId", "name", "type"),
)
ACADEMIC_SESSIONS = FileSpec(
    "academicSessions",
    "academicSession",
    (*_HEAD, "title", "type", "startDate", "endDate", "parentSourcedId", "schoolYear"),
    ("sourcedId", "title", "type", "startDate", "endDate", "schoolYear"),
    ("sourcedId", "title", "type", "startDate", "endDate", "schoolYear"),
)
COURSES = FileSpec(
    "courses",
    "course",
    (
        *_HEAD,
        "schoolYearSourcedId",
        "title",
        "courseCode",
        "grades",
        "orgSourcedId",
        "subjects",
        "subjectCodes",
    ),
    ("sourcedId", "title", "orgSourcedId"),
    ("sourcedId", "title", "orgSourcedId"),
)
CLASSES = FileSpec(
    "classes",
    "class",
    (
        *_HEAD,
        "title",
        "grades",
        "courseSourcedId",
        "classCode",
        "classType",
        "location",
        "schoolSourcedId",
        "termSourcedIds",
        "subjects",
        "subjectCodes",
        "periods",
    ),
    ("sourcedId", "title", "courseSourcedId", "classType", "schoolSourcedId", "termSourcedIds"),
    ("sourcedId", "title", "courseSourcedId", "classType", "schoolSourcedId", "termSourcedIds"),
)
USERS = FileSpec(
    "users",
    "user",
    (
        *_HEAD,
        "enabledUser",
        "username",
        "userIds",
        "givenName",
        "familyName",
        "middleName",
        "identifier",
        "email",
        "sms",
        "phone",
        "agentSourcedIds",
        "grades",
        "password",
        "userMasterIdentifier",
        "resourceSourcedIds",
        "preferredGivenName",
        "preferredMiddleName",
        "preferredFamilyName",
        "primaryOrgSourcedId",
        "pronouns",
    ),
    ("sourcedId", "enabledUser", "username", "givenName", "familyName"),
    # Names may be blank: Trellis accounts may lack them, and an export must import back.
    ("sourcedId", "enabledUser"),
)
ROLES = FileSpec(
    "roles",
    "role",
    (
        *_HEAD,
        "userSourcedId",
        "roleType",
        "role",
        "beginDate",
        "endDate",
        "orgSourcedId",
        "userProfileSourcedId",
    ),
    ("sourcedId", "userSourcedId", "roleType", "role", "orgSourcedId"),
    ("sourcedId", "userSourcedId", "roleType", "role", "orgSourcedId"),
)
ENROLLMENTS = FileSpec(
    "enrollments",
    "enrollment",
    (
        *_HEAD,
        "classSourcedId",
        "schoolSourcedId",
        "userSourcedId",
        "role",
        "primary",
        "beginDate",
        "endDate",
    ),
    ("sourcedId", "classSourcedId", "schoolSourcedId", "userSourcedId", "role"),
    ("sourcedId", "classSourcedId", "schoolSourcedId", "userSourcedId", "role"),
)

#: The files Trellis reads, in dependency order.
FILES: tuple[FileSpec, ...] = (ORGS, ACADEMIC_SESSIONS, COURSES, CLASSES, USERS, ROLES, ENROLLMENTS)
BY_NAME = {f.name: f for f in FILES}
BY_KIND = {f.kind: f for f in FILES}

#: Files of the binding that are accepted and not read (a manifest may name
#: them as bulk or delta; their rows are ignored).
IGNORED_FILES = (
    "demographics",
    "userProfiles",
    "categories",
    "classResources",
    "courseResources",
    "resources",
    "userResources",
    "lineItems",
    "lineItemLearningObjectiveIds",
    "lineItemScoreScales",
    "results",
    "resultLearningObjectiveIds",
    "resultScoreScales",
    "scoreScales",
)
ALL_FILE_NAMES = tuple(f.name for f in FILES) + IGNORED_FILES

#: OneRoster 1.1 put a user's roles in users.csv; many systems still do.
#: When roles.csv is absent these two columns are read instead.
LEGACY_ROLE_COLUMNS = ("role", "orgSourcedIds")

ORG_TYPES = ("department", "school", "district", "local", "state", "national")
SCHOOL = "school"
SESSION_TYPES = ("gradingPeriod", "semester", "schoolYear", "term")
CLASS_TYPES = ("homeroom", "scheduled")
ROLE_TYPES = ("primary", "secondary")
ENROLLMENT_ROLES = (
    "administrator",
    "aide",
    "guardian",
    "parent",
    "proctor",
    "relative",
    "student",
    "teacher",
)
BOOLEANS = ("true", "false")

#: OneRoster user roles (1.2, plus 1.1's "administrator") and the Trellis
#: role each becomes; ``None`` means kept but not given a Trellis role.
USER_ROLES: dict[str, str | None] = {
    "student": "learner",
    "teacher": "teacher",
    "parent": "guardian",
    "guardian": "guardian",
    "relative": "guardian",
    "administrator": "admin",
    "siteAdministrator": "admin",
    "principal": "admin",
    "districtAdministrator": "admin",
    "systemAdministrator": "admin",
    "aide": None,
    "counselor": None,
    "proctor": None,
}
GUARDIAN_ROLES = ("parent", "guardian", "relative")
#: The OneRoster role an export gives each Trellis role.
EXPORT_ROLES = {
    "learner": "student",
    "teacher": "teacher",
    "guardian": "guardian",
    "admin": "siteAdministrator",
}

#: Columns holding lists (comma-separated inside one field).
LIST_COLUMNS = {
    "termSourcedIds",
    "grades",
    "subjects",
    "subjectCodes",
    "periods",
    "agentSourcedIds",
    "orgSourcedIds",
    "resourceSourcedIds",
    "userIds",
}


def split_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]

"""Every way a OneRoster file is refused. A refused file writes nothing and
lists every problem with its file, line and column; the messages are the
templates in ``trellis.interop.oneroster.errors``."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.interop.roster import district, make_zip, row
from trellis.interop.models import SourcedRecord
from trellis.interop.oneroster import RosterRefused, errors, import_roster
from trellis.interop.oneroster.errors import Problem
from trellis.people.models import User

pytestmark = pytest.mark.django_db


def refused(source, dry_run=False) -> list[Problem]:
    with pytest.raises(RosterRefused) as info:
        import_roster(source, dry_run=dry_run)
    assert not SourcedRecord.objects.exists()
    return info.value.problems


def test_every_problem_is_listed_not_only_the_first():
    files = district()
    del row(files, "users", "stu1")["givenName"]  # keeps the column: other rows have it
    for user in files["users"]:
        user.pop("enabledUser")  # a missing required column
    row(files, "academicSessions", "t1")["startDate"] = "2026-13-01"  # a bad date
    row(files, "enrollments", "e2")["classSourcedId"] = "nope"  # an unknown class
    row(files, "enrollments", "e4")["sourcedId"] = "e1"  # a duplicate sourcedId
    problems = refused(make_zip(files))
    assert problems == sorted(
        [
            Problem(
                "users.csv", 1, "enabledUser", errors.MISSING_COLUMN.format(column="enabledUser")
            ),
            Problem(
                "academicSessions.csv", 3, "startDate", errors.BAD_DATE.format(value="2026-13-01")
            ),
            Problem(
                "enrollments.csv",
                3,
                "classSourcedId",
                errors.UNKNOWN_REFERENCE.format(
                    column="classSourcedId", value="nope", target="class"
                ),
            ),
            Problem(
                "enrollments.csv",
                5,
                "sourcedId",
                errors.DUPLICATE_SOURCED_ID.format(
                    value="e1", filename="enrollments.csv", other_line=2
                ),
            ),
        ]
    )
    assert str(
        problems[0]
    ) == "academicSessions.csv, line 3, column startDate: " + errors.BAD_DATE.format(
        value="2026-13-01"
    )


def test_a_dry_run_refuses_the_same_way():
    files = district()
    row(files, "classes", "cl1")["schoolSourcedId"] = "d1"
    assert refused(make_zip(files), dry_run=True) == [
        Problem(
            "classes.csv",
            2,
            "schoolSourcedId",
            errors.NOT_A_SCHOOL.format(column="schoolSourcedId", value="d1", type="district"),
        )
    ]


def test_not_a_zip():
    [problem] = refused(io.BytesIO(b"sourcedId,name\n"))
    assert problem.file == "(zip)" and problem.message.startswith(errors.NOT_A_ZIP.split("(")[0])


def test_manifest_problems():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("users.csv", "sourcedId\n")
    assert refused(buffer) == [Problem("manifest.csv", 0, "", errors.MISSING_MANIFEST)]

    manifest = [
        ["propertyName", "value"],
        ["manifest.version", "1.0"],
        ["oneroster.version", "1.1"],
        ["file.users", "sometimes"],
    ]
    assert refused(make_zip({}, manifest=manifest)) == sorted(
        [
            Problem(
                "manifest.csv",
                3,
                "value",
                errors.MANIFEST_BAD_VERSION.format(
                    property="oneroster.version", value="1.1", expected="1.2"
                ),
            ),
            Problem(
                "manifest.csv",
                4,
                "value",
                errors.MANIFEST_BAD_MODE.format(property="file.users", value="sometimes"),
            ),
        ]
    )
    assert refused(make_zip({}, manifest=[["name", "value"]])) == [
        Problem("manifest.csv", 1, "", errors.MANIFEST_BAD_HEADER)
    ]
    assert refused(
        make_zip({}, manifest=[["propertyName", "value"], ["oneroster.version", "1.2"]])
    ) == [
        Problem(
            "manifest.csv",
            0,
            "",
            errors.MANIFEST_MISSING_PROPERTY.format(property="manifest.version"),
        )
    ]


def test_a_file_the_manifest_promises_is_missing():
    files = district()
    assert refused(make_zip(files, modes={"classes": "bulk", "lineItems": "bulk"})) == [
        Problem(
            "manifest.csv",
            0,
            "",
            errors.FILE_MISSING.format(
                name="file.lineItems", mode="bulk", filename="lineItems.csv"
            ),
        )
    ]


def test_file_shape_problems():
    raw = {
        "orgs.csv": b"sourcedId,name,type,type\ns9,X,school,school\n",
        "courses.csv": b"\xef\xbb\xbfsourcedId,title,orgSourcedId\nc1,Caf\xe9,s1\n",
        "classes.csv": b"",
    }
    problems = refused(
        make_zip({}, modes={"orgs": "bulk", "courses": "bulk", "classes": "bulk"}, raw=raw)
    )
    assert Problem("orgs.csv", 1, "type", errors.DUPLICATE_COLUMN.format(column="type")) in problems
    assert Problem("classes.csv", 1, "", errors.EMPTY_FILE) in problems
    [encoding] = [p for p in problems if p.file == "courses.csv"]
    assert encoding.line == 2 and encoding.message.startswith("The file is not UTF-8 text")


def test_row_value_problems():
    files = district()
    row(files, "orgs", "s1")["type"] = "campus"
    row(files, "academicSessions", "t2")["endDate"] = "2026-12-31"
    row(files, "users", "stu1")["enabledUser"] = "yes"
    row(files, "users", "stu2")["username"] = "alan turing"
    row(files, "users", "stu3")["status"] = "gone"
    row(files, "users", "tea1")["dateLastModified"] = "yesterday"
    row(files, "roles", "r-tea1")["role"] = "wizard"
    row(files, "enrollments", "e5")["endDate"] = "2026-07-01"
    row(files, "classes", "cl1")["title"] = "x" * 151
    row(files, "courses", "c-math")["title"] = ""
    files["enrollments"].append({"sourcedId": "e9"})
    problems = refused(make_zip(files))
    expected = [
        Problem(
            "orgs.csv",
            3,
            "type",
            errors.BAD_CHOICE.format(
                value="campus",
                column="type",
                choices=", ".join(
                    ("department", "school", "district", "local", "state", "national")
                ),
            ),
        ),
        Problem(
            "academicSessions.csv",
            4,
            "endDate",
            errors.DATE_ORDER.format(
                column="endDate", value="2026-12-31", start_column="startDate", start="2027-01-05"
            ),
        ),
        Problem(
            "users.csv",
            2,
            "enabledUser",
            errors.BAD_CHOICE.format(value="yes", column="enabledUser", choices="true, false"),
        ),
        Problem("users.csv", 3, "username", errors.BAD_USERNAME.format(value="alan turing")),
        Problem("users.csv", 4, "status", errors.BAD_STATUS.format(value="gone")),
        Problem("users.csv", 5, "dateLastModified", errors.BAD_DATETIME.format(value="yesterday")),
        Problem(
            "enrollments.csv",
            6,
            "endDate",
            errors.DATE_ORDER.format(
                column="endDate", value="2026-07-01", start_column="beginDate", start="2026-08-01"
            ),
        ),
        Problem(
            "classes.csv", 2, "title", errors.TOO_LONG.format(column="title", length=151, limit=150)
        ),
        Problem("courses.csv", 2, "title", errors.REQUIRED_VALUE.format(column="title")),
        Problem(
            "enrollments.csv",
            7,
            "classSourcedId",
            errors.REQUIRED_VALUE.format(column="classSourcedId"),
        ),
    ]
    for problem in expected:
        assert problem in problems, problem
    [role] = [p for p in problems if p.file == "roles.csv"]
    assert (role.line, role.column) == (
        5,
        "role",
    ) and "'wizard' is not a valid role" in role.message


def test_delta_rows_need_status_and_date():
    delta = {"users": [{**row(district(), "users", "stu1"), "agentSourcedIds": ""}]}
    assert refused(make_zip(delta, modes={"users": "delta"})) == [
        Problem("users.csv", 2, "dateLastModified", errors.DELTA_NEEDS_DATE),
        Problem("users.csv", 2, "status", errors.DELTA_NEEDS_STATUS),
    ]


def test_extra_fields_on_a_row():
    raw = {"orgs.csv": b"sourcedId,name,type\ns1,North,school,oops\n"}
    assert refused(make_zip({}, modes={"orgs": "bulk"}, raw=raw)) == [
        Problem("orgs.csv", 2, "", errors.EXTRA_FIELDS.format(count=4, expected=3))
    ]


def test_unknown_references_everywhere():
    files = district()
    row(files, "classes", "cl1")["termSourcedIds"] = "t1,t9"
    row(files, "classes", "cl2")["courseSourcedId"] = "c-art"
    row(files, "users", "stu1")["agentSourcedIds"] = "par1,par9"
    row(files, "roles", "r-tea1")["orgSourcedId"] = "s9"
    row(files, "enrollments", "e1")["userSourcedId"] = "stu9"
    problems = refused(make_zip(files))
    ref = errors.UNKNOWN_REFERENCE.format
    for problem in [
        Problem(
            "classes.csv",
            2,
            "termSourcedIds",
            ref(column="termSourcedIds", value="t9", target="academic session"),
        ),
        Problem(
            "classes.csv",
            3,
            "courseSourcedId",
            ref(column="courseSourcedId", value="c-art", target="course"),
        ),
        Problem(
            "users.csv",
            2,
            "agentSourcedIds",
            ref(column="agentSourcedIds", value="par9", target="user"),
        ),
        Problem(
            "roles.csv", 5, "orgSourcedId", ref(column="orgSourcedId", value="s9", target="org")
        ),
        Problem(
            "enrollments.csv",
            2,
            "userSourcedId",
            ref(column="userSourcedId", value="stu9", target="user"),
        ),
    ]:
        assert problem in problems, problem


def test_enrollment_school_must_be_the_class_school():
    files = district()
    row(files, "enrollments", "e1")["schoolSourcedId"] = "s2"
    assert refused(make_zip(files)) == [
        Problem(
            "enrollments.csv",
            2,
            "schoolSourcedId",
            errors.ENROLLMENT_OTHER_SCHOOL.format(value="s2", class_id="cl1", school="s1"),
        )
    ]


def test_enrolled_without_the_role_at_that_school():
    files = district()
    row(files, "roles", "r-stu3")["orgSourcedId"] = "s1"
    assert refused(make_zip(files)) == [
        Problem(
            "enrollments.csv",
            5,
            "userSourcedId",
            errors.ENROLLED_WITHOUT_ROLE.format(
                user="stu3", role="student", class_id="cl2", school="s2"
            ),
        )
    ]


def test_username_collisions():
    User.objects.create_user("tess", password=None)
    files = district()
    row(files, "users", "stu2")["username"] = "ada"
    problems = refused(make_zip(files))
    assert problems == [
        Problem(
            "users.csv", 3, "username", errors.USERNAME_TWICE.format(value="ada", other="stu1")
        ),
        Problem("users.csv", 5, "username", errors.USERNAME_TAKEN.format(value="tess")),
    ]


def test_school_code_collisions(world):
    files = district()
    row(files, "orgs", "s2")["identifier"] = "North High"
    problems = refused(make_zip(files))
    assert problems == [
        Problem(
            "orgs.csv",
            4,
            "identifier",
            errors.SCHOOL_CODE_TWICE.format(code="north-high", column="identifier", other="s1"),
        )
    ]


def test_a_users_file_without_any_roles():
    files = district()
    del files["roles"]
    assert refused(make_zip(files)) == [Problem("users.csv", 1, "role", errors.NO_ROLES)]

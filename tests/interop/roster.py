"""Building OneRoster zips for tests: a small district as rows, and helpers
to change it and to compare what Trellis holds before and after."""

from __future__ import annotations

import copy
import csv
import io
import zipfile

from trellis.interop.oneroster import spec
from trellis.people.models import (
    Enrollment,
    Guardianship,
    Membership,
    School,
    SchoolClass,
    TeachingAssignment,
    Term,
    User,
)

Files = dict[str, list[dict[str, str]]]


def make_zip(
    files: Files,
    modes: dict[str, str] | None = None,
    manifest: list[list[str]] | None = None,
    raw: dict[str, bytes] | None = None,
) -> io.BytesIO:
    """A zip with a manifest naming each given file as bulk (or ``modes``),
    each file written with the columns of its first row."""
    modes = modes or {}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if manifest is None:
            manifest = [
                ["propertyName", "value"],
                ["manifest.version", "1.0"],
                ["oneroster.version", "1.2"],
            ]
            for name in spec.ALL_FILE_NAMES:
                mode = modes.get(name, spec.BULK if name in files else spec.ABSENT)
                manifest.append([f"file.{name}", mode])
        archive.writestr("manifest.csv", _csv(manifest))
        for name, rows in files.items():
            columns: list[str] = []
            for row in rows:
                columns += [c for c in row if c not in columns]
            archive.writestr(
                f"{name}.csv", _csv([columns] + [[row.get(c, "") for c in columns] for row in rows])
            )
        for filename, content in (raw or {}).items():
            archive.writestr(filename, content)
    buffer.seek(0)
    return buffer


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def read_zip_rows(data: bytes) -> dict[str, list[dict[str, str]]]:
    """Each file of a zip as rows, with blank values left out."""
    result = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            reader = csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig")))
            result[name] = [{k: v for k, v in row.items() if v} for row in reader]
    return result


def district() -> Files:
    """Two schools under a district; a term and a year; two classes; learners,
    teachers, a parent of two, a district administrator and an aide."""
    files: Files = {
        "orgs": [
            {
                "sourcedId": "d1",
                "status": "",
                "dateLastModified": "",
                "name": "Lakeside District",
                "type": "district",
                "identifier": "",
                "parentSourcedId": "",
            },
            {
                "sourcedId": "s1",
                "status": "",
                "dateLastModified": "",
                "name": "North High",
                "type": "school",
                "identifier": "north-high",
                "parentSourcedId": "d1",
            },
            {
                "sourcedId": "s2",
                "status": "",
                "dateLastModified": "",
                "name": "South Middle",
                "type": "school",
                "identifier": "",
                "parentSourcedId": "d1",
            },
        ],
        "academicSessions": [
            {
                "sourcedId": "y26",
                "title": "2026-27",
                "type": "schoolYear",
                "startDate": "2026-08-01",
                "endDate": "2027-06-30",
                "parentSourcedId": "",
                "schoolYear": "2027",
            },
            {
                "sourcedId": "t1",
                "title": "Autumn 2026",
                "type": "term",
                "startDate": "2026-08-01",
                "endDate": "2026-12-20",
                "parentSourcedId": "y26",
                "schoolYear": "2027",
            },
            {
                "sourcedId": "t2",
                "title": "Spring 2027",
                "type": "term",
                "startDate": "2027-01-05",
                "endDate": "2027-06-30",
                "parentSourcedId": "y26",
                "schoolYear": "2027",
            },
        ],
        "courses": [
            {
                "sourcedId": "c-math",
                "title": "Mathematics 6",
                "courseCode": "M6",
                "grades": "06",
                "orgSourcedId": "d1",
                "subjects": "Mathematics",
            },
            {
                "sourcedId": "c-sci",
                "title": "Science",
                "grades": "07,08",
                "orgSourcedId": "d1",
                "subjects": "",
            },
        ],
        "classes": [
            {
                "sourcedId": "cl1",
                "title": "Maths 6A",
                "grades": "06",
                "courseSourcedId": "c-math",
                "classType": "scheduled",
                "schoolSourcedId": "s1",
                "termSourcedIds": "t1",
                "subjects": "Mathematics",
                "metadata.room": "12",
            },
            {
                "sourcedId": "cl2",
                "title": "Science 7/8",
                "grades": "",
                "courseSourcedId": "c-sci",
                "classType": "scheduled",
                "schoolSourcedId": "s2",
                "termSourcedIds": "t1,t2",
                "subjects": "",
            },
        ],
        "users": [
            _user("stu1", "ada", "Ada", "Lovelace", agents="par1"),
            _user("stu2", "alan", "Alan", "Turing"),
            _user("stu3", "grace", "Grace", "Hopper", preferred="Amazing"),
            _user("tea1", "tess", "Tess", "Teacher", email="tess@example.org"),
            _user("tea2", "tom", "Tom", "Teacher"),
            _user("par1", "pat", "Pat", "Lovelace", agents="stu1,stu2"),
            _user("adm1", "dana", "Dana", "Admin"),
            _user("aide1", "ari", "Ari", "Aide"),
        ],
        "roles": [
            _role("r-stu1", "stu1", "student", "s1"),
            _role("r-stu2", "stu2", "student", "s1"),
            _role("r-stu3", "stu3", "student", "s2"),
            _role("r-tea1", "tea1", "teacher", "s1"),
            _role("r-tea2", "tea2", "teacher", "s2"),
            _role("r-par1", "par1", "parent", "s1"),
            _role("r-adm1", "adm1", "districtAdministrator", "d1"),
            _role("r-aide1", "aide1", "aide", "s1"),
        ],
        "enrollments": [
            _enrollment("e1", "cl1", "s1", "stu1", "student"),
            _enrollment("e2", "cl1", "s1", "stu2", "student"),
            _enrollment("e3", "cl1", "s1", "tea1", "teacher"),
            _enrollment("e4", "cl2", "s2", "stu3", "student"),
            _enrollment("e5", "cl2", "s2", "tea2", "teacher", begin="2026-08-01", end="2027-06-30"),
        ],
        "demographics": [{"sourcedId": "stu1", "birthDate": "2014-01-01"}],
    }
    return files


def _user(sid, username, given, family, agents="", email="", preferred=""):
    return {
        "sourcedId": sid,
        "status": "",
        "dateLastModified": "",
        "enabledUser": "true",
        "username": username,
        "givenName": given,
        "familyName": family,
        "email": email,
        "agentSourcedIds": agents,
        "preferredGivenName": preferred,
    }


def _role(sid, user, role, org):
    return {
        "sourcedId": sid,
        "userSourcedId": user,
        "roleType": "primary",
        "role": role,
        "orgSourcedId": org,
    }


def _enrollment(sid, class_id, school, user, role, begin="", end=""):
    return {
        "sourcedId": sid,
        "classSourcedId": class_id,
        "schoolSourcedId": school,
        "userSourcedId": user,
        "role": role,
        "primary": "",
        "beginDate": begin,
        "endDate": end,
    }


def changed(files: Files) -> Files:
    return copy.deepcopy(files)


def row(files: Files, name: str, sourced_id: str) -> dict[str, str]:
    return next(r for r in files[name] if r["sourcedId"] == sourced_id)


def snapshot(relationships: bool = True) -> dict[str, set]:
    """What Trellis holds, by natural keys (no primary keys), to compare states."""
    return {
        "schools": set(School.objects.values_list("code", "name")),
        "terms": set(Term.objects.values_list("school__code", "name", "starts_on", "ends_on")),
        "classes": set(
            SchoolClass.objects.values_list(
                "school__code", "term__name", "name", "subject", "grade_band", "active"
            )
        ),
        "users": set(
            User.objects.filter(memberships__isnull=False)
            .values_list(
                "username", "first_name", "last_name", "email", "display_name", "is_active"
            )
            .distinct()
        ),
        "memberships": set(
            Membership.objects.values_list("user__username", "school__code", "role", "active")
        ),
        "enrollments": set(
            Enrollment.objects.values_list(
                "school_class__school__code", "school_class__name", "learner__username", "active"
            )
        ),
        "teaching": set(
            TeachingAssignment.objects.values_list(
                "school_class__school__code", "school_class__name", "teacher__username"
            )
        ),
        "guardianships": set(
            Guardianship.objects.values_list(
                "guardian__username",
                "learner__username",
                *(["relationship"] if relationships else []),
            )
        ),
    }

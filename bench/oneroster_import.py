"""Benchmark: import a OneRoster 1.2 CSV zip of 50,000 users and 200,000
enrollments, then import it again unchanged, then a next-day file with 1%
of rows changed, added or gone.

    .venv/bin/python bench/oneroster_import.py                 # SQLite, a new file in a temp dir
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \\
        .venv/bin/python bench/oneroster_import.py             # PostgreSQL, a new test_ database

Options: --users N --enrollments N (defaults 50000 and 200000). Prints the
figures and, as its last line, a JSON object of them. The bar (issue #21):
the first import under a minute on either database.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import sys
import tempfile
import time
import zipfile
import zlib
from pathlib import Path

BUDGET_SECONDS = 60.0


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode()


def generate(
    path: Path, users: int, enrollments: int, day: int = 0, seed: int = 7
) -> dict[str, int]:
    """Write a district's roster. ``day`` 1 changes 1% of users' names, drops
    1% of users (bulk: they are deactivated) and adds 1% new learners."""
    rng = random.Random(seed)
    schools = max(2, users // 2500)
    teachers = max(schools, users // 25)
    parents = users // 10
    admins = schools
    students = users - teachers - parents - admins
    teacher_enrollments = max(1, enrollments // 25)
    classes = teacher_enrollments
    student_enrollments = enrollments - teacher_enrollments

    orgs = [
        ["sourcedId", "status", "dateLastModified", "name", "type", "identifier", "parentSourcedId"]
    ]
    orgs.append(["district", "", "", "Bench District", "district", "bench-district", ""])
    for s in range(schools):
        orgs.append(
            [f"school-{s}", "", "", f"Bench School {s}", "school", f"bench-{s}", "district"]
        )
    sessions = [
        [
            "sourcedId",
            "status",
            "dateLastModified",
            "title",
            "type",
            "startDate",
            "endDate",
            "parentSourcedId",
            "schoolYear",
        ]
    ]
    sessions.append(
        ["y2027", "", "", "2026-27", "schoolYear", "2026-08-01", "2027-06-30", "", "2027"]
    )
    sessions.append(["t1", "", "", "Autumn", "term", "2026-08-01", "2026-12-20", "y2027", "2027"])
    sessions.append(["t2", "", "", "Spring", "term", "2027-01-05", "2027-06-30", "y2027", "2027"])
    subjects = [
        "Mathematics",
        "Science",
        "English",
        "History",
        "Art",
        "Music",
        "Geography",
        "Languages",
    ]
    courses = [
        [
            "sourcedId",
            "status",
            "dateLastModified",
            "schoolYearSourcedId",
            "title",
            "courseCode",
            "grades",
            "orgSourcedId",
            "subjects",
            "subjectCodes",
        ]
    ]
    for g in range(6, 13):
        for subject in subjects:
            courses.append(
                [
                    f"course-{subject}-{g}",
                    "",
                    "",
                    "y2027",
                    f"{subject} {g}",
                    "",
                    f"{g:02d}",
                    "district",
                    subject,
                    "",
                ]
            )
    class_rows = [
        [
            "sourcedId",
            "status",
            "dateLastModified",
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
        ]
    ]
    class_school = []
    for c in range(classes):
        g, subject, school = 6 + c % 7, subjects[c % len(subjects)], c % schools
        class_school.append(school)
        class_rows.append(
            [
                f"class-{c}",
                "",
                "",
                f"{subject} {g} section {c}",
                f"{g:02d}",
                f"course-{subject}-{g}",
                "",
                "scheduled",
                "",
                f"school-{school}",
                "t1" if c % 2 else "t1,t2",
                subject,
                "",
                "",
            ]
        )

    user_rows = [
        [
            "sourcedId",
            "status",
            "dateLastModified",
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
        ]
    ]
    role_rows = [
        [
            "sourcedId",
            "status",
            "dateLastModified",
            "userSourcedId",
            "roleType",
            "role",
            "beginDate",
            "endDate",
            "orgSourcedId",
            "userProfileSourcedId",
        ]
    ]
    people: list[tuple[str, str, int]] = []  # (sourcedId, role, school)
    for i in range(students):
        people.append((f"stu-{i}", "student", i % schools))
    for i in range(teachers):
        people.append((f"tea-{i}", "teacher", i % schools))
    for i in range(parents):
        people.append((f"par-{i}", "parent", i % schools))
    for i in range(admins):
        people.append((f"adm-{i}", "siteAdministrator", i))
    dropped = set()
    if day:
        dropped = {sid for sid, role, _s in people if role == "student" and rng.random() < 0.01}
        extra = max(1, students // 100)
        people += [(f"stu-new-{i}", "student", i % schools) for i in range(extra)]
    renamed = 0
    for sid, role, school in people:
        if sid in dropped:
            continue
        family = f"Family{zlib.crc32(sid.encode()) % 5000}"
        if day and rng.random() < 0.01:
            family += "-Changed"
            renamed += 1
        agents = ""
        if role == "parent":
            n = int(sid.split("-")[1])
            agents = ",".join(f"stu-{k}" for k in (2 * n, 2 * n + 1) if f"stu-{k}" not in dropped)
        user_rows.append(
            [
                sid,
                "",
                "",
                "true",
                sid,
                "",
                f"Given{sid}",
                family,
                "",
                "",
                "",
                "",
                "",
                agents,
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                f"school-{school}",
                "",
            ]
        )
        role_rows.append(
            [f"role-{sid}", "", "", sid, "primary", role, "", "", f"school-{school}", ""]
        )

    enrollment_rows = [
        [
            "sourcedId",
            "status",
            "dateLastModified",
            "classSourcedId",
            "schoolSourcedId",
            "userSourcedId",
            "role",
            "primary",
            "beginDate",
            "endDate",
        ]
    ]
    teachers_at: dict[int, list[str]] = {}
    for sid, role, school in people:
        if role == "teacher":
            teachers_at.setdefault(school, []).append(sid)
    for c in range(classes):
        staff = teachers_at[class_school[c]]
        teacher = staff[(c // schools) % len(staff)]
        enrollment_rows.append(
            [
                f"enr-t-{c}",
                "",
                "",
                f"class-{c}",
                f"school-{class_school[c]}",
                teacher,
                "teacher",
                "true",
                "",
                "",
            ]
        )
    by_school: dict[int, list[int]] = {}
    for c, school in enumerate(class_school):
        by_school.setdefault(school, []).append(c)
    student_ids = [
        (sid, school) for sid, role, school in people if role == "student" and sid not in dropped
    ]
    seen = set()
    e = 0
    while e < student_enrollments:
        sid, school = student_ids[e % len(student_ids)]
        choices = by_school[school]
        c = choices[(e // len(student_ids) * 7 + zlib.crc32(sid.encode())) % len(choices)]
        if (c, sid) in seen:
            c = choices[(choices.index(c) + 1) % len(choices)]
        seen.add((c, sid))
        enrollment_rows.append(
            [f"enr-{sid}-{c}", "", "", f"class-{c}", f"school-{school}", sid, "student", "", "", ""]
        )
        e += 1
    files = {
        "orgs": orgs,
        "academicSessions": sessions,
        "courses": courses,
        "classes": class_rows,
        "users": user_rows,
        "roles": role_rows,
        "enrollments": enrollment_rows,
    }
    manifest = [
        ["propertyName", "value"],
        ["manifest.version", "1.0"],
        ["oneroster.version", "1.2"],
    ]
    manifest += [[f"file.{name}", "bulk"] for name in files]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.csv", _csv(manifest))
        for name, rows in files.items():
            archive.writestr(f"{name}.csv", _csv(rows))
    return {name: len(rows) - 1 for name, rows in files.items()} | {
        "renamed": renamed,
        "dropped": len(dropped),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50_000)
    parser.add_argument("--enrollments", type=int, default=200_000)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="trellis-bench-oneroster-"))
    postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    if not postgres:
        os.environ["TRELLIS_VAR_DIR"] = str(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trellis.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from trellis.interop.oneroster import import_roster
    from trellis.people.models import Enrollment, User

    if postgres:
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    else:
        call_command("migrate", verbosity=0, interactive=False)

    figures: dict[str, object] = {
        "database": connection.vendor,
        "users": args.users,
        "enrollments": args.enrollments,
    }
    try:
        day0, day1 = workdir / "roster-day0.zip", workdir / "roster-day1.zip"
        started = time.perf_counter()
        rows0 = generate(day0, args.users, args.enrollments)
        generate(day1, args.users, args.enrollments, day=1)
        figures["generate_seconds"] = round(time.perf_counter() - started, 2)
        figures["rows"] = rows0
        figures["zip_bytes"] = day0.stat().st_size

        def timed(name: str, path: Path, dry_run: bool = False):
            started = time.perf_counter()
            plan = import_roster(str(path), dry_run=dry_run, filename=path.name)
            seconds = round(time.perf_counter() - started, 2)
            figures[f"{name}_seconds"] = seconds
            print(
                f"{name:>16}: {seconds:7.2f} s  users {plan.summary['users']}  enrollments {plan.summary['enrollments']}"
            )
            return plan

        timed("dry_run_first", day0, dry_run=True)
        timed("first_import", day0)
        figures["accounts"] = User.objects.count()
        figures["enrollment_rows"] = Enrollment.objects.count()
        timed("reimport_same", day0)
        plan = timed("next_day", day1)
        figures["next_day_changes"] = {
            k: plan.summary[k] for k in ("users", "memberships", "enrollments")
        }
    finally:
        if postgres:
            connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)
    figures["budget_seconds"] = BUDGET_SECONDS
    figures["within_budget"] = figures["first_import_seconds"] < BUDGET_SECONDS
    print(
        f"first import of {args.users} users and {args.enrollments} enrollments on {connection.vendor}: "
        f"{figures['first_import_seconds']} s (budget {BUDGET_SECONDS:.0f} s)"
    )
    print(json.dumps(figures))
    return 0 if figures["within_budget"] else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Importing OneRoster 1.2 CSV: the first import, re-imports of a changed
file (added, updated, tobedeleted, missing from a bulk file), delta files,
the 1.1 role columns, and dry runs that write nothing."""

from __future__ import annotations

import pytest
from django.apps import apps

from tests.interop.roster import changed, district, make_zip, row, snapshot
from tests.interop.test_xapi_statements import make_item
from trellis.evidence.models import MasteryRecord, Response
from trellis.evidence.services import response_record
from trellis.interop.models import RosterImport, SourcedRecord
from trellis.interop.oneroster import import_roster
from trellis.people.models import Enrollment, Membership, SchoolClass, User

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    """Rows in every table of every Trellis app."""
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"people", "interop", "evidence", "curriculum", "api"}
    }


def test_first_import_maps_every_file():
    plan = import_roster(make_zip(district()))
    state = snapshot()
    assert state["schools"] == {("north-high", "North High"), ("s2", "South Middle")}
    # A session becomes a term at each school whose classes use it.
    assert {(code, name) for code, name, _s, _e in state["terms"]} == {
        ("north-high", "Autumn 2026"),
        ("s2", "Autumn 2026"),
    }
    assert ("north-high", "Autumn 2026", "Maths 6A", "Mathematics", "6", True) in state["classes"]
    # No subject on the class or its course: the course title; grades from the course.
    assert ("s2", "Autumn 2026", "Science 7/8", "Science", "7-8", True) in state["classes"]
    assert ("grace", "Grace", "Hopper", "", "Amazing Hopper", True) in state["users"]
    assert state["memberships"] == {
        ("ada", "north-high", "learner", True),
        ("alan", "north-high", "learner", True),
        ("grace", "s2", "learner", True),
        ("tess", "north-high", "teacher", True),
        ("tom", "s2", "teacher", True),
        ("pat", "north-high", "guardian", True),
        # A district administrator administers every school of the district.
        ("dana", "north-high", "admin", True),
        ("dana", "s2", "admin", True),
    }
    assert state["enrollments"] == {
        ("north-high", "Maths 6A", "ada", True),
        ("north-high", "Maths 6A", "alan", True),
        ("s2", "Science 7/8", "grace", True),
    }
    assert state["teaching"] == {("north-high", "Maths 6A", "tess"), ("s2", "Science 7/8", "tom")}
    assert state["guardianships"] == {("pat", "ada", "parent"), ("pat", "alan", "parent")}
    # The aide has an account and no Trellis role; the report says so.
    assert User.objects.filter(username="ari").exists()
    assert not Membership.objects.filter(user__username="ari").exists()
    assert any("aide" in note for note in plan.notes)
    # Nobody can sign in with a password: accounts come from the SIS.
    assert not any(u.has_usable_password() for u in User.objects.all())
    record = SourcedRecord.objects.get(kind="class", sourced_id="cl1")
    assert record.data["metadata.room"] == "12"
    assert record.school_class.name == "Maths 6A"
    assert SourcedRecord.objects.filter(kind="user").count() == 8
    assert RosterImport.objects.count() == 1


def test_importing_the_same_file_again_changes_nothing():
    import_roster(make_zip(district()))
    before, counts = snapshot(), _counts()
    plan = import_roster(make_zip(district()))
    assert not plan.has_changes
    assert snapshot() == before
    counts["interop.RosterImport"] += 1
    assert _counts() == counts


def test_dry_run_writes_nothing():
    counts = _counts()
    plan = import_roster(make_zip(district()), dry_run=True)
    assert _counts() == counts
    assert plan.summary["users"]["created"] == 8
    assert plan.summary["enrollments"]["created"] == 3
    # And on a changed file after a real import.
    import_roster(make_zip(district()))
    before, counts = snapshot(), _counts()
    files = changed(district())
    files["users"] = [u for u in files["users"] if u["sourcedId"] != "stu2"]
    plan = import_roster(make_zip(files), dry_run=True)
    assert plan.summary["user"]["deactivated"] == 1
    assert snapshot() == before and _counts() == counts


def test_reimport_adds_updates_and_deactivates_without_deleting():
    import_roster(make_zip(district()))
    ada = User.objects.get(username="ada")
    maths = SchoolClass.objects.get(name="Maths 6A")
    # Evidence for Alan and Ada, who the next file drops and unenrolls.
    item = make_item(maths.school)
    for who in ("ada", "alan"):
        response_record(
            learner=User.objects.get(username=who), item=item, answer="4", idempotency_key=who
        )
    counts = _counts()
    assert counts["evidence.Response"] == 2 and counts["evidence.MasteryRecord"] == 2

    files = changed(district())
    # Added: a new learner in Maths 6A.
    files["users"].append(
        {
            **row(files, "users", "stu2"),
            "sourcedId": "stu4",
            "username": "kat",
            "givenName": "Katherine",
            "familyName": "Johnson",
            "agentSourcedIds": "",
        }
    )
    files["roles"].append(
        {
            "sourcedId": "r-stu4",
            "userSourcedId": "stu4",
            "roleType": "primary",
            "role": "student",
            "orgSourcedId": "s1",
        }
    )
    files["enrollments"].append(
        {**row(files, "enrollments", "e1"), "sourcedId": "e6", "userSourcedId": "stu4"}
    )
    # Updated: a family name and a class title.
    row(files, "users", "stu1")["familyName"] = "King"
    row(files, "classes", "cl1")["title"] = "Maths 6 (A)"
    # Marked tobedeleted: Ada's enrollment; missing from the bulk file: Alan and his role and enrollment.
    row(files, "enrollments", "e1")["status"] = "tobedeleted"
    files["users"] = [u for u in files["users"] if u["sourcedId"] != "stu2"]
    files["roles"] = [r for r in files["roles"] if r["userSourcedId"] != "stu2"]
    files["enrollments"] = [e for e in files["enrollments"] if e["userSourcedId"] != "stu2"]
    # Pat is no longer Alan's agent (Alan is gone anyway) — Pat stays Ada's parent.
    row(files, "users", "par1")["agentSourcedIds"] = "stu1"

    plan = import_roster(make_zip(files))
    assert plan.summary["user"] == {
        "added": 1,
        "updated": 2,
        "deactivated": 1,
        "reactivated": 0,
        "unchanged": 5,
    }
    assert plan.summary["enrollment"]["deactivated"] == 2

    ada.refresh_from_db()
    maths.refresh_from_db()
    assert ada.last_name == "King" and ada.pk == User.objects.get(username="ada").pk
    assert maths.name == "Maths 6 (A)"
    state = snapshot()
    assert ("north-high", "Maths 6 (A)", "ada", False) in state["enrollments"]
    assert ("north-high", "Maths 6 (A)", "alan", False) in state["enrollments"]
    assert ("north-high", "Maths 6 (A)", "kat", True) in state["enrollments"]
    assert ("alan", "north-high", "learner", False) in state["memberships"]
    assert ("kat", "north-high", "learner", True) in state["memberships"]
    assert ("alan", "Alan", "Turing", "", "", False) in state["users"]
    assert state["guardianships"] == {("pat", "ada", "parent")}
    # Nothing with evidence was deleted: accounts, classes and enrollments all remain.
    after = _counts()
    assert after["people.User"] == counts["people.User"] + 1
    assert after["people.Enrollment"] == counts["people.Enrollment"] + 1
    assert after["people.SchoolClass"] == counts["people.SchoolClass"]
    for label, count in counts.items():
        if label.startswith(("evidence.", "curriculum.")):
            assert after[label] == count, label
    assert SourcedRecord.objects.get(kind="user", sourced_id="stu2").status == "tobedeleted"
    alan = User.objects.get(username="alan")
    assert not alan.is_active
    assert Response.objects.get(learner=alan).correct is True
    assert MasteryRecord.objects.get(learner=alan).attempts == 1
    assert Response.objects.filter(learner=ada).count() == 1

    # Alan comes back the next day: the same account, reactivated.
    plan = import_roster(make_zip(district()))
    assert plan.summary["user"]["reactivated"] == 1
    assert User.objects.get(username="alan").is_active
    assert Enrollment.objects.get(learner__username="alan").active
    assert snapshot()["guardianships"] == {("pat", "ada", "parent"), ("pat", "alan", "parent")}


def test_delta_file_changes_only_its_rows():
    import_roster(make_zip(district()))
    delta = {
        "users": [
            {
                **row(district(), "users", "stu3"),
                "status": "tobedeleted",
                "dateLastModified": "2026-09-02T10:00:00Z",
            }
        ],
        "enrollments": [
            {
                **row(district(), "enrollments", "e2"),
                "status": "tobedeleted",
                "dateLastModified": "2026-09-02",
            }
        ],
    }
    plan = import_roster(make_zip(delta, modes={"users": "delta", "enrollments": "delta"}))
    assert plan.summary["user"] == {
        "added": 0,
        "updated": 0,
        "deactivated": 1,
        "reactivated": 0,
        "unchanged": 7,
    }
    state = snapshot()
    assert ("grace", "s2", "learner", False) in state["memberships"]
    assert ("north-high", "Maths 6A", "alan", False) in state["enrollments"]
    assert ("north-high", "Maths 6A", "ada", True) in state["enrollments"]
    record = SourcedRecord.objects.get(kind="user", sourced_id="stu3")
    assert record.date_last_modified.isoformat() == "2026-09-02T10:00:00+00:00"


def test_roles_from_users_csv_in_the_one_point_one_layout():
    files = district()
    roles = {r["userSourcedId"]: r for r in files.pop("roles")}
    for user in files["users"]:
        user["role"] = roles[user["sourcedId"]]["role"]
        user["orgSourcedIds"] = roles[user["sourcedId"]]["orgSourcedId"]
    import_roster(make_zip(files))
    assert ("tess", "north-high", "teacher", True) in snapshot()["memberships"]
    assert SourcedRecord.objects.filter(kind="role", sourced_id="tea1:s1:teacher").exists()


def test_a_school_made_in_trellis_first_is_linked_by_code(world):
    files = district()
    row(files, "orgs", "s1")["identifier"] = world.school.code
    import_roster(make_zip(files))
    world.school.refresh_from_db()
    assert world.school.name == "North High"
    assert SourcedRecord.objects.get(kind="org", sourced_id="s1").school == world.school
    # The school's own people, who came from no file, are left alone.
    assert Membership.objects.get(user=world.teacher).active


def test_large_files_take_the_fast_insert_path(monkeypatch):
    from trellis.interop.oneroster import apply

    monkeypatch.setattr(
        apply, "BATCH", 3
    )  # more than 3 new rows: COPY (PostgreSQL) or executemany (SQLite)
    import_roster(make_zip(district()))
    assert (
        SourcedRecord.objects.get(kind="enrollment", sourced_id="e5").data["beginDate"]
        == "2026-08-01"
    )
    assert snapshot()["guardianships"] == {("pat", "ada", "parent"), ("pat", "alan", "parent")}
    assert not import_roster(make_zip(district())).has_changes


def test_guardians_link_from_either_side_of_agent_sourced_ids():
    """A parent listed only by the learner, and a guardian who lists only the
    learner, both become that learner's guardians, with the OneRoster role
    as the relationship."""
    files = district()
    row(files, "users", "par1")["agentSourcedIds"] = ""  # only Ada names Pat
    files["users"].append({**row(files, "users", "par1"), "sourcedId": "gua1", "username": "gus"})
    row(files, "users", "gua1")["agentSourcedIds"] = "stu2"  # only Gus names Alan
    files["roles"].append(
        {
            "sourcedId": "r-gua1",
            "userSourcedId": "gua1",
            "roleType": "primary",
            "role": "guardian",
            "orgSourcedId": "s1",
        }
    )
    import_roster(make_zip(files))
    assert snapshot()["guardianships"] == {("pat", "ada", "parent"), ("gus", "alan", "guardian")}
    # Ada stops naming Pat the next day: the link goes, the accounts stay.
    row(files, "users", "stu1")["agentSourcedIds"] = ""
    import_roster(make_zip(files))
    assert snapshot()["guardianships"] == {("gus", "alan", "guardian")}
    assert User.objects.get(username="pat").is_active

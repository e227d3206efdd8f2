"""A OneRoster file speaks only for its own source (the manifest's
``source.systemCode``): a bulk file deactivates only the records of that
source it leaves out, may not change another source's records, and never
switches off an operator. An export claims Trellis-made records only when
asked, and they belong to the source ``trellis``."""

from __future__ import annotations

import io

import pytest

from tests.factories import UserFactory
from tests.interop.roster import district, make_zip, row
from trellis.interop.models import SourcedRecord
from trellis.interop.oneroster import RosterRefused, errors, export_roster, import_roster, spec
from trellis.interop.oneroster.errors import Problem
from trellis.people.models import Enrollment, Guardianship, Membership, TeachingAssignment, User

pytestmark = pytest.mark.django_db


def sourced_zip(files, source: str | None, modes: dict[str, str] | None = None) -> io.BytesIO:
    modes = modes or {}
    manifest = [
        ["propertyName", "value"],
        ["manifest.version", "1.0"],
        ["oneroster.version", "1.2"],
    ]
    for name in spec.ALL_FILE_NAMES:
        manifest.append([f"file.{name}", modes.get(name, "bulk" if name in files else "absent")])
    if source is not None:
        manifest.append(["source.systemCode", source])
    return make_zip(files, manifest=manifest)


def ours() -> dict[str, object]:
    """Every link and account of the Trellis-made schools, with its state."""
    return {
        "users": sorted(User.objects.values_list("username", "is_active")),
        "memberships": sorted(
            Membership.objects.values_list("user_id", "school_id", "role", "active")
        ),
        "enrollments": sorted(
            Enrollment.objects.values_list("learner_id", "school_class_id", "active")
        ),
        "teaching": sorted(TeachingAssignment.objects.values_list("teacher_id", "school_class_id")),
        "guardianships": sorted(Guardianship.objects.values_list("guardian_id", "learner_id")),
    }


def test_an_export_claims_nothing_unless_asked(world):
    export_roster(io.BytesIO())
    assert not SourcedRecord.objects.exists()
    export_roster(io.BytesIO(), claim=True)
    assert SourcedRecord.objects.filter(user=world.learner).get().source == "trellis"
    assert set(SourcedRecord.objects.values_list("source", flat=True)) == {"trellis"}


@pytest.mark.parametrize("source", [None, "other-sis"])
def test_another_districts_bulk_file_after_an_export_deactivates_nothing_of_ours(
    world, other_world, source
):
    operator = UserFactory(username="operator", is_superuser=True, is_staff=True)
    Membership.objects.create(user=operator, school=world.school, role="admin")
    export_roster(io.BytesIO(), claim=True)
    before = ours()
    claimed = SourcedRecord.objects.count()

    files = district()
    dry = import_roster(sourced_zip(files, source), dry_run=True)
    note = errors.OTHER_SOURCES_KEPT.format(
        count=SourcedRecord.objects.filter(status="active").count(), sources="'trellis'"
    )
    assert note in dry.notes
    # What the dry run shows is what the import does: none of ours deactivated.
    for kind in ("org", "academicSession", "course", "class", "user", "role", "enrollment"):
        assert dry.summary[kind]["deactivated"] == 0, kind
    plan = import_roster(sourced_zip(files, source))
    assert plan.summary["users"]["deactivated"] == 0
    assert plan.summary["guardianships"]["removed"] == 0
    assert plan.summary["teaching_assignments"]["removed"] == 0
    after = ours()
    for key, values in before.items():
        assert set(values) <= set(after[key]), key  # every link of ours, in the same state
    assert User.objects.get(pk=operator.pk).is_active
    assert SourcedRecord.objects.filter(source="trellis", status="active").count() == claimed
    # The district's own records arrived, under the file's source.
    assert set(
        SourcedRecord.objects.exclude(source="trellis").values_list("source", flat=True)
    ) == {source or ""}


def test_a_bulk_file_still_deactivates_what_its_own_source_leaves_out():
    files = district()
    import_roster(sourced_zip(files, "sis-a"))
    files["users"] = [u for u in files["users"] if u["sourcedId"] != "stu2"]
    plan = import_roster(sourced_zip(files, "sis-a"))
    assert plan.summary["user"]["deactivated"] == 1
    record = SourcedRecord.objects.get(kind="user", sourced_id="stu2")
    assert record.status == "tobedeleted" and not record.user.is_active


def test_a_file_may_not_change_or_delete_another_sources_records(world):
    export_roster(io.BytesIO(), claim=True)
    learner_sid = SourcedRecord.objects.get(user=world.learner).sourced_id
    own = {"users": [dict(r) for r in district()["users"]]}
    exported = SourcedRecord.objects.get(user=world.learner).data
    changed = {**exported, "givenName": "Renamed", "status": "tobedeleted"}
    files = district()
    files["users"].append(
        {k: changed.get(k, "") for k in files["users"][0]} | {"sourcedId": learner_sid}
    )
    with pytest.raises(RosterRefused) as info:
        import_roster(sourced_zip(files, "other-sis"))
    line = len(own["users"]) + 2
    assert info.value.problems == [
        Problem(
            "users.csv",
            line,
            "sourcedId",
            errors.OTHER_SOURCE.format(
                kind="user",
                value=learner_sid,
                owner="source 'trellis'",
                source="source 'other-sis'",
            ),
        )
    ]
    assert User.objects.get(pk=world.learner.pk).is_active


def test_an_operator_is_never_deactivated_by_a_roster():
    files = district()
    import_roster(sourced_zip(files, "sis-a"))
    teacher = User.objects.get(username=row(files, "users", "tea1")["username"])
    teacher.is_superuser = True  # the district's IT lead runs the site too
    teacher.save()
    files["users"] = [u for u in files["users"] if u["sourcedId"] != "tea1"]
    files["enrollments"] = [e for e in files["enrollments"] if e["userSourcedId"] != "tea1"]
    plan = import_roster(sourced_zip(files, "sis-a"))
    assert errors.OPERATOR_KEPT.format(username=teacher.username) in plan.notes
    teacher.refresh_from_db()
    assert teacher.is_active

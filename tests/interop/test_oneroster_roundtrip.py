"""Export writes a file that imports back identically: for a roster that came
from OneRoster, and for schools made in Trellis."""

from __future__ import annotations

import io

import pytest

from tests.interop.roster import district, make_zip, read_zip_rows, snapshot
from trellis.interop.models import SourcedRecord, SourcedTerm
from trellis.interop.oneroster import export_roster, import_roster
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

pytestmark = pytest.mark.django_db


def export_bytes() -> bytes:
    """An export that claims what was made in Trellis, so the whole roster travels."""
    buffer = io.BytesIO()
    export_roster(buffer, claim=True)
    return buffer.getvalue()


def wipe() -> None:
    """An empty Trellis, as on another server. Raw deletes, without cascading:
    other apps' tables hold nothing in these tests."""
    for model in (
        SourcedTerm,
        SourcedRecord,
        Guardianship,
        TeachingAssignment,
        Enrollment,
        Membership,
        SchoolClass,
        Term,
        School,
        User,
    ):
        model.objects.all()._raw_delete(model.objects.db)


def test_export_gives_back_every_row_and_column_it_was_given():
    files = district()
    import_roster(make_zip(files))
    exported = read_zip_rows(export_bytes())
    for name, rows in files.items():
        if name == "demographics":
            assert f"{name}.csv" not in exported  # accepted, not kept
            continue
        assert exported[f"{name}.csv"] == [{k: v for k, v in r.items() if v} for r in rows], name
    manifest = {r["propertyName"]: r["value"] for r in exported["manifest.csv"]}
    assert manifest["oneroster.version"] == "1.2"
    assert manifest["file.users"] == "bulk" and manifest["file.lineItems"] == "absent"


def test_export_then_import_is_identical():
    import_roster(make_zip(district()))
    before = snapshot()
    first = export_bytes()
    # Into the same Trellis: nothing changes.
    assert not import_roster(io.BytesIO(first)).has_changes
    # Into an empty one: the same roster, and the same export byte for byte.
    wipe()
    import_roster(io.BytesIO(first))
    assert snapshot() == before
    assert export_bytes() == first


def test_deactivated_records_travel_as_tobedeleted():
    files = district()
    import_roster(make_zip(files))
    files["users"] = [u for u in files["users"] if u["sourcedId"] != "stu2"]
    import_roster(make_zip(files))
    before = snapshot()
    first = export_bytes()
    users = {r["sourcedId"]: r for r in read_zip_rows(first)["users.csv"]}
    assert users["stu2"]["status"] == "tobedeleted"
    wipe()
    import_roster(io.BytesIO(first))
    assert snapshot() == before


def test_schools_made_in_trellis_export_and_import_back(world, other_world):
    world.class_b.active = False
    world.class_b.save()
    before = snapshot(relationships=False)
    first = export_bytes()
    users = {r["username"] for r in read_zip_rows(first)["users.csv"]}
    assert world.learner.username in users
    assert world.stranger.username not in users  # no role in any school: not exported
    # The export claimed sourcedIds, so the file re-imports in place.
    assert not import_roster(io.BytesIO(first)).has_changes
    assert export_bytes() == first
    wipe()
    import_roster(io.BytesIO(first))
    assert snapshot(relationships=False) == before
    assert export_bytes() == first


def test_links_made_in_trellis_after_an_import_are_exported(world):
    import_roster(make_zip(district()))
    ada = User.objects.get(username="ada")
    maths = SchoolClass.objects.get(name="Maths 6A")
    Enrollment.objects.create(school_class=maths, learner=User.objects.get(username="grace"))
    Membership.objects.create(
        user=User.objects.get(username="grace"), school=maths.school, role="learner"
    )
    Guardianship.objects.create(guardian=User.objects.get(username="tess"), learner=ada)
    Membership.objects.create(
        user=User.objects.get(username="tess"), school=maths.school, role="guardian"
    )
    before = snapshot(relationships=False)
    first = export_bytes()
    wipe()
    import_roster(io.BytesIO(first))
    assert snapshot(relationships=False) == before

"""CASE import and export: the hierarchy, typed links, all-or-nothing
refusals naming the culprit, and a lossless round trip."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from tests.curriculum.case_sample import DOC, _assoc, sample_package
from trellis.curriculum import case
from trellis.curriculum.models import Competency, CompetencyLink, Framework

pytestmark = pytest.mark.django_db


def _import(package, school):
    return case.framework_import_case(data=package, school=school)


def test_import_builds_hierarchy_and_links(world):
    framework = _import(sample_package(), world.school)
    by_id = {c.identifier: c for c in framework.competencies.all()}
    assert by_id["s1"].parent == by_id["d"] and by_id["d"].parent is None
    assert by_id["s2"].grade_band == "06, 07"
    assert by_id["s1"].code == "6.X.1" and by_id["s1"].statement == "Compare two quantities"
    kinds = set(
        framework.links.values_list("origin__identifier", "kind", "destination__identifier")
    )
    assert kinds == {("s1", "precedes", "s2"), ("s2", "precedes", "s3"), ("s1", "isPeerOf", "s3")}


def test_round_trip_is_lossless(world, other_world):
    original = sample_package()
    exported = case.framework_export_case(framework=_import(original, world.school))
    assert {i["identifier"]: i for i in exported["CFItems"]} == {
        i["identifier"]: i for i in original["CFItems"]
    }
    assert {a["identifier"]: a for a in exported["CFAssociations"]} == {
        a["identifier"]: a for a in original["CFAssociations"]
    }
    for key, value in original["CFDocument"].items():
        assert exported["CFDocument"][key] == value
    again = case.framework_export_case(framework=_import(exported, other_world.school))
    assert again == exported


def _refused(package, school, *fragments: str) -> None:
    before = (Framework.objects.count(), Competency.objects.count(), CompetencyLink.objects.count())
    with pytest.raises(ValidationError) as exc:
        _import(package, school)
    message = " ".join(exc.value.messages)
    for fragment in fragments:
        assert fragment in message
    assert (
        Framework.objects.count(),
        Competency.objects.count(),
        CompetencyLink.objects.count(),
    ) == before


def test_cycle_is_refused_and_named(world):
    package = sample_package()
    package["CFAssociations"].append(_assoc("p-31", "precedes", "s3", "s1"))
    _refused(package, world.school, case.CYCLE.split(":")[0], "6.X.1", "6.X.2", "6.X.3")


def test_dangling_identifier_is_refused_and_named(world):
    package = sample_package()
    package["CFAssociations"].append(_assoc("p-bad", "precedes", "s1", "ghost-42"))
    _refused(package, world.school, "ghost-42", "p-bad")


def test_hierarchy_cycle_is_refused(world):
    package = sample_package()
    package["CFAssociations"].append(_assoc("a-d2", "isChildOf", "d", "s1"))
    _refused(package, world.school, "isChildOf")


@pytest.mark.parametrize(
    "mutate, fragment",
    [
        (lambda p: p.pop("CFDocument"), "CFDocument"),
        (lambda p: p["CFItems"][1].pop("fullStatement"), "fullStatement"),
        (lambda p: p["CFItems"].append(dict(p["CFItems"][0])), "used twice"),
        (lambda p: p["CFAssociations"][0].pop("originNodeURI"), "originNodeURI"),
        (lambda p: p.__setitem__("CFItems", "nope"), "CFItems"),
    ],
)
def test_malformed_files_are_refused(world, mutate, fragment):
    package = sample_package()
    mutate(package)
    _refused(package, world.school, fragment)


def test_not_json_is_refused(world):
    _refused(b"{not json", world.school, "not valid JSON")


def test_reimport_is_refused(world):
    _import(sample_package(), world.school)
    _refused(sample_package(), world.school, DOC)


def test_import_page_for_admin_only(world, other_world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = Client()
    client.force_login(world.admin)
    upload = SimpleUploadedFile("f.json", json.dumps(sample_package()).encode(), "application/json")
    response = client.post(f"/schools/{world.school.pk}/frameworks/import/", {"file": upload})
    assert response.status_code == 302
    assert Framework.objects.filter(school=world.school, identifier=DOC).exists()
    # The other school's admin cannot import into this school.
    client.force_login(other_world.admin)
    assert client.get(f"/schools/{world.school.pk}/frameworks/import/").status_code == 404
    client.force_login(world.teacher)
    assert client.get(f"/schools/{world.school.pk}/frameworks/import/").status_code == 404


def test_import_page_shows_the_cycle(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    package = sample_package()
    package["CFAssociations"].append(_assoc("p-31", "precedes", "s3", "s1"))
    client = Client()
    client.force_login(world.admin)
    upload = SimpleUploadedFile("f.json", json.dumps(package).encode(), "application/json")
    response = client.post(f"/schools/{world.school.pk}/frameworks/import/", {"file": upload})
    assert response.status_code == 200
    assert "form a cycle" in response.content.decode()


def test_api_import_and_export(world, other_world):
    client = Client()
    client.force_login(world.admin)
    response = client.post(
        f"/api/v1/frameworks?school_id={world.school.pk}",
        json.dumps(sample_package()),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    fid = response.json()["id"]
    exported = client.get(f"/api/v1/frameworks/{fid}/case").json()
    assert {i["identifier"] for i in exported["CFItems"]} == {"d", "s1", "s2", "s3"}
    # A cycle through the API is a 400 naming it.
    package = sample_package()
    package["CFAssociations"].append(_assoc("p-31", "precedes", "s3", "s1"))
    client.force_login(other_world.admin)
    response = client.post(
        f"/api/v1/frameworks?school_id={other_world.school.pk}",
        json.dumps(package),
        content_type="application/json",
    )
    assert response.status_code == 400 and "6.X.3" in response.json()["detail"]
    assert not Framework.objects.filter(school=other_world.school).exists()
    # Nothing crosses schools: the other school's people cannot see or import.
    assert client.get(f"/api/v1/frameworks/{fid}").status_code == 404
    assert client.get(f"/api/v1/frameworks/{fid}/case").status_code == 404
    response = client.post(
        f"/api/v1/frameworks?school_id={world.school.pk}",
        json.dumps(sample_package()),
        content_type="application/json",
    )
    assert response.status_code == 404
    client.force_login(world.teacher)
    response = client.post(
        f"/api/v1/frameworks?school_id={world.school.pk}",
        json.dumps(sample_package()),
        content_type="application/json",
    )
    assert response.status_code == 404
    response = client.post(
        "/api/v1/frameworks", json.dumps(sample_package()), content_type="application/json"
    )
    assert response.status_code == 403


def test_is_related_to_is_kept_as_a_typed_link_and_exported(world):
    package = sample_package()
    package["CFAssociations"].append(_assoc("rel-23", "isRelatedTo", "s2", "s3"))
    framework = _import(package, world.school)
    assert framework.links.filter(
        kind=CompetencyLink.RELATED, origin__identifier="s2", destination__identifier="s3"
    ).exists()
    exported = case.framework_export_case(framework=framework)
    assert "rel-23" in {a["identifier"] for a in exported["CFAssociations"]}
    # It is not a prerequisite: nothing new precedes s3.
    s3 = framework.competencies.get(identifier="s3")
    assert set(
        CompetencyLink.objects.filter(destination=s3, kind=CompetencyLink.PRECEDES).values_list(
            "origin__identifier", flat=True
        )
    ) == {"s2"}


def test_only_a_site_operator_imports_a_framework_for_every_school(world):
    """A framework with no school reaches every school: the curriculum rule
    lets only a site operator import one, through a session or a token; a
    school's admin is told to name their school, in their language."""
    from trellis.api.models import ApiToken
    from trellis.people.models import User

    operator = User.objects.create_superuser("operator", "op@example.org", "x")
    body = json.dumps(sample_package())
    for person in (world.admin, world.teacher, world.learner, world.guardian):
        session = Client()
        session.force_login(person)
        refused = session.post(
            "/api/v1/frameworks", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="es"
        )
        assert refused.status_code == 403
        assert refused.json()["detail"] == (
            "Solo los operadores del sitio importan marcos globales; indique school_id."
        )
        _, raw = ApiToken.issue(user=person, name="case")
        bearer = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        refused = bearer.post("/api/v1/frameworks", body, content_type="application/json")
        assert refused.status_code == 403
        assert refused.json()["detail"] == (
            "Only site operators import global frameworks; pass school_id."
        )
    assert not Framework.objects.filter(school__isnull=True).exists()
    _, raw = ApiToken.issue(user=operator, name="case")
    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    created = bearer.post("/api/v1/frameworks", body, content_type="application/json")
    assert created.status_code == 201
    assert Framework.objects.get(pk=created.json()["id"]).school is None

"""QTI 3.0: a school's items of every kind exported and imported into
another school that holds the same frameworks come back with every field
that matters (kind, prompt, options with their correct and removable marks,
numeric answer and tolerance, accepted answers, rubric, competencies), and
the package is QTI 3.0 (element names, namespace, templates, metadata)."""

from __future__ import annotations

import io
import zipfile

import pytest
from lxml import etree

from tests.curriculum.factories import leaf, make_framework, make_items, make_multiple_response
from trellis.curriculum import services
from trellis.curriculum.models import Item
from trellis.curriculum.models import item as kinds
from trellis.interop.qti import export_items, import_items, spec

pytestmark = pytest.mark.django_db

FIELDS = (
    "kind",
    "prompt",
    "options",
    "numeric_answer",
    "numeric_tolerance",
    "accepted_answers",
    "rubric",
)


def _key(item: Item) -> tuple:
    competencies = sorted(
        (c.framework.identifier, c.identifier)
        for c in item.competencies.select_related("framework")
    )
    return tuple(getattr(item, name) for name in FIELDS) + (tuple(competencies),)


def _every_kind(world):
    """Items of every kind Trellis has, with the awkward cases: several
    accepted answers, a multi-line prompt, a zero-tolerance number, two
    competencies from two frameworks (one global)."""
    local = make_framework(world.school)
    national = make_framework(None, codes=("N.1",))
    competency = leaf(local, "A.2")
    items = make_items(world.school, competency)
    items[kinds.MULTIPLE_RESPONSE] = make_multiple_response(world.school, competency)
    services.item_create(
        school=world.school,
        kind=kinds.TEXT,
        prompt="Name the bottom of a fraction.\nOne word.",
        competencies=[competency, leaf(national, "N.1")],
        accepted_answers=["denominator", "the denominator"],
    )
    services.item_create(
        school=world.school,
        kind=kinds.NUMERIC,
        prompt="3 × 4?",
        competencies=[leaf(national, "N.1")],
        numeric_answer=12,
        numeric_tolerance=0,
    )
    assert {i.kind for i in items.values()} == {k for k, _ in kinds.KINDS}
    return local, national


def test_every_item_kind_round_trips_into_another_school(world, other_world):
    local, national = _every_kind(world)
    # The other school holds the same local framework (same CASE identifiers),
    # as after a CASE import; the national one is global and shared.
    copy = services.framework_create(
        school=other_world.school, title="Copy", identifier=local.identifier
    )
    for competency in local.competencies.all():
        services.competency_create(framework=copy, code=competency.code, statement="x")
        copy.competencies.filter(code=competency.code).update(identifier=competency.identifier)
    before = sorted(_key(i) for i in Item.objects.filter(school=world.school))

    buffer = io.BytesIO()
    written = export_items(buffer, school=world.school)
    assert written == len(before) == 7
    buffer.seek(0)
    created = import_items(buffer, school=other_world.school, user=other_world.teacher)

    after = sorted(_key(i) for i in Item.objects.filter(school=other_world.school))
    assert len(created) == 7
    assert after == before
    # links point at the other school's own framework, not the exporter's
    linked = {c.framework_id for i in created for c in i.competencies.all()}
    assert linked == {copy.pk, national.pk}


def test_the_package_is_qti_3(world):
    _every_kind(world)
    buffer = io.BytesIO()
    export_items(buffer, school=world.school)
    with zipfile.ZipFile(buffer) as archive:
        names = archive.namelist()
        manifest = etree.fromstring(archive.read("imsmanifest.xml"))
        resources = manifest.findall(f"{spec.cp('resources')}/{spec.cp('resource')}")
        assert len(resources) == len(names) - 1 == 7
        interactions = []
        for resource in resources:
            assert resource.get("type") == "imsqti_item_xmlv3p0"
            purpose = resource.find(f".//{spec.lom('purpose')}/{spec.lom('value')}")
            assert purpose.text == "competency"
            root = etree.fromstring(archive.read(resource.get("href")))
            assert root.tag == "{http://www.imsglobal.org/xsd/imsqtiasi_v3p0}qti-assessment-item"
            assert root.find(spec.qti("qti-response-declaration")) is not None
            body = root.find(spec.qti("qti-item-body"))
            interactions += [
                etree.QName(e).localname
                for e in body.iter()
                if etree.QName(e).localname.endswith("-interaction")
            ]
        templates = {
            e.get("template")
            for name in names[1:]
            for e in etree.fromstring(archive.read(name)).iter(spec.qti("qti-response-processing"))
        }
    assert sorted(set(interactions)) == [
        "qti-choice-interaction",
        "qti-extended-text-interaction",
        "qti-text-entry-interaction",
    ]
    assert {
        "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct.xml",
        "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/map_response.xml",
    } <= templates


def test_export_of_one_framework_holds_only_its_items(world):
    local, national = _every_kind(world)
    buffer = io.BytesIO()
    count = export_items(buffer, school=world.school, framework=national)
    expected = Item.objects.filter(competencies__framework=national).distinct().count()
    assert count == expected == 2


def test_inactive_items_are_not_exported(world):
    _every_kind(world)
    retired = Item.objects.filter(school=world.school).first()
    retired.active = False
    retired.save()
    assert export_items(io.BytesIO(), school=world.school) == 6


def test_export_queries_do_not_grow_with_the_items(world, django_assert_num_queries):
    local, national = _every_kind(world)
    # one query for the items, one for their competencies, one for the frameworks
    with django_assert_num_queries(3):
        export_items(io.BytesIO(), school=world.school)
    make_items(world.school, leaf(local, "A.3"))
    with django_assert_num_queries(3):
        assert export_items(io.BytesIO(), school=world.school) == 11


def test_a_multiple_response_item_is_written_as_choose_all_that_apply(world):
    competency = leaf(make_framework(world.school), "A.1")
    item = make_multiple_response(world.school, competency)
    buffer = io.BytesIO()
    export_items(buffer, school=world.school)
    with zipfile.ZipFile(buffer) as archive:
        root = etree.fromstring(archive.read(f"items/trellis-item-{item.pk}.xml"))
    declaration = root.find(spec.qti("qti-response-declaration"))
    assert declaration.get("cardinality") == "multiple"
    assert declaration.get("base-type") == "identifier"
    values = [v.text for v in declaration.iter(spec.qti("qti-value"))]
    # options 1 and 3 (counting from 1) are the correct ones
    assert values == ["choice-1", "choice-3"]
    interaction = root.find(f"{spec.qti('qti-item-body')}/{spec.qti('qti-choice-interaction')}")
    assert interaction.get("max-choices") == "0"
    assert len(interaction.findall(spec.qti("qti-simple-choice"))) == 4
    processing = root.find(spec.qti("qti-response-processing"))
    assert processing.get("template") == spec.MATCH_CORRECT

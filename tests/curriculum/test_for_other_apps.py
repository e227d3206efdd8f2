"""What the other apps use instead of curriculum's tables: the vocabularies
in ``trellis.curriculum.kinds``, the reads in ``selectors`` and the writes in
``services`` that the importers and the xAPI resource rely on (one round
trip where they were one, bulk where they were bulk)."""

from __future__ import annotations

import pytest

from tests.curriculum.factories import leaf, make_framework
from trellis.curriculum import kinds, selectors, services
from trellis.curriculum.models import Item, item, resource

pytestmark = pytest.mark.django_db


@pytest.fixture
def framework(world):
    return make_framework(world.school)


def _item(school, competencies, prompt="Q?") -> Item:
    return services.item_create(
        school=school,
        kind=kinds.NUMERIC,
        prompt=prompt,
        competencies=competencies,
        numeric_answer=1,
    )


def test_the_models_use_the_vocabularies_other_apps_import():
    assert item.KINDS is kinds.KINDS
    assert item.AUTO_SCORED is kinds.AUTO_SCORED
    assert resource.ACCESSIBILITY_FEATURES is kinds.ACCESSIBILITY_FEATURES
    assert Item._meta.get_field("kind").choices == kinds.KINDS


def test_a_retired_item_leaves_the_bank_in_one_statement(
    world, framework, django_assert_num_queries
):
    task = _item(world.school, [leaf(framework, "A.1")])
    with django_assert_num_queries(1):
        services.item_retire(item=task)
    task.refresh_from_db()
    assert not task.active
    assert task not in selectors.items_in_bank(world.school)


def test_a_proxy_item_is_hidden_and_tagged(world, framework):
    comp = leaf(framework, "A.2")
    proxy = services.proxy_item_create(school=world.school, competency=comp, prompt="Proxy")
    assert (proxy.kind, proxy.active, proxy.numeric_answer) == (kinds.NUMERIC, False, 1)
    assert selectors.item_competency_ids(proxy.pk) == [comp.pk]


def test_items_with_competency_ids_reads_one_school_in_one_query(
    world, other_world, framework, django_assert_num_queries
):
    a1, a2 = leaf(framework, "A.1"), leaf(framework, "A.2")
    both = _item(world.school, [a1, a2])
    other = _item(other_world.school, [leaf(make_framework(other_world.school), "A.1")])
    with django_assert_num_queries(1):
        found = selectors.items_with_competency_ids(world.school, [both.pk, other.pk])
    assert list(found) == [both.pk]
    assert sorted(found[both.pk].competency_ids) == sorted([a1.pk, a2.pk])
    assert selectors.items_with_competency_ids(world.school, []) == {}


@pytest.mark.parametrize("count", [2, 5])
def test_bulk_ensure_writes_in_bulk_and_finds_on_a_second_run(
    world, count, django_assert_num_queries
):
    framework = services.framework_get_or_create(
        school=world.school, identifier="dataset:x", title="Data set x"
    )
    assert (
        services.framework_get_or_create(
            school=world.school, identifier="dataset:x", title="Another title"
        )
        == framework
    )
    fields = [
        {"identifier": f"skill:{n}", "code": str(n), "statement": f"Skill {n}", "position": n}
        for n in range(count)
    ]
    with django_assert_num_queries(3):
        comps = services.competencies_bulk_ensure(framework=framework, competencies=fields)
    assert sorted(comps) == sorted(f["identifier"] for f in fields)
    wanted = [(f"prompt {n}", [comps[f"skill:{n}"].pk]) for n in range(count)]
    with django_assert_num_queries(3):
        first = services.proxy_items_bulk_ensure(school=world.school, wanted=wanted)
    with django_assert_num_queries(1):
        again = services.proxy_items_bulk_ensure(school=world.school, wanted=wanted)
    assert first == again
    assert selectors.competency_ids_by_item(first.values()) == {
        first[f"prompt {n}"]: [comps[f"skill:{n}"].pk] for n in range(count)
    }
    assert not selectors.items_by_ids(first.values()).filter(active=True).exists()

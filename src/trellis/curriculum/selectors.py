"""Reads for the curriculum: what a person may list, and the prerequisite
graph in the shapes the mastery pages need."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import Count, Q, QuerySet

from trellis.curriculum.kinds import AUTO_SCORED
from trellis.curriculum.models import Competency, CompetencyLink, Framework, Item, Resource
from trellis.people import handwritten
from trellis.people import selectors as people_selectors
from trellis.people.selectors import school_ids_of_member, staff_school_ids

if TYPE_CHECKING:
    from trellis.people.models import School, User


def _member_school_ids(user: User):
    return school_ids_of_member(user)


def _staff_school_ids(user: User):
    return staff_school_ids(user)


def frameworks_visible_to(user: User) -> QuerySet[Framework]:
    if not user.is_authenticated or not user.is_active:
        return Framework.objects.none()
    qs = Framework.objects.annotate(competency_count=Count("competencies"))
    if user.is_superuser:
        return qs
    return qs.filter(Q(school__isnull=True) | Q(school__in=_member_school_ids(user)))


def frameworks_for_school(school: School) -> QuerySet[Framework]:
    return Framework.objects.filter(Q(school=school) | Q(school__isnull=True)).order_by("title")


def competencies_visible_to(user: User) -> QuerySet[Competency]:
    return Competency.objects.filter(
        framework__in=frameworks_visible_to(user).values("pk")
    ).select_related("framework", "parent")


def items_visible_to(user: User) -> QuerySet[Item]:
    if not user.is_authenticated or not user.is_active:
        return Item.objects.none()
    qs = Item.objects.prefetch_related("competencies")
    if user.is_superuser:
        return qs
    return qs.filter(school__in=_staff_school_ids(user))


def resources_visible_to(user: User) -> QuerySet[Resource]:
    if not user.is_authenticated or not user.is_active:
        return Resource.objects.none()
    qs = Resource.objects.prefetch_related("competencies")
    if user.is_superuser:
        return qs
    return qs.filter(school__in=_staff_school_ids(user))


def assessable_competencies(framework: Framework) -> list[Competency]:
    """The competencies learners are assessed on: the leaves of the hierarchy
    (a domain or cluster is summarised by its children, not measured itself)."""
    return list(framework.competencies.filter(children__isnull=True).order_by("position", "code"))


def prerequisites_of(competency_ids: list[int] | None = None) -> dict[int, set[int]]:
    """competency id -> ids of its direct prerequisites (``precedes`` links)."""
    qs = CompetencyLink.objects.filter(kind=CompetencyLink.PRECEDES)
    if competency_ids is not None:
        qs = qs.filter(destination_id__in=competency_ids)
    out: dict[int, set[int]] = {}
    for origin, destination in qs.values_list("origin_id", "destination_id"):
        out.setdefault(destination, set()).add(origin)
    return out


# --- What the other apps read ---------------------------------------------
# Only the curriculum queries its tables (docs/architecture.md); these are
# the reads the apps above need, each returning the queryset they used to
# build themselves so that their query counts stay what the tests pin.


def competencies_by_ids(ids: Iterable[int]) -> QuerySet[Competency]:
    """The competencies with these ids (an unknown id is simply missing)."""
    return Competency.objects.filter(pk__in=list(ids))


def competencies_of_frameworks(frameworks: Iterable[Framework] | QuerySet) -> QuerySet[Competency]:
    """The competencies of these frameworks (a queryset of frameworks or of
    their ids stays a subquery): what a lesson, a plan or a goal may aim at."""
    return Competency.objects.filter(framework__in=frameworks)


def competencies_for_school(school: School) -> QuerySet[Competency]:
    """The competencies of the school's own frameworks and the global ones."""
    return competencies_of_frameworks(frameworks_for_school(school))


def school_leaf_competencies(school: School, code_prefix: str) -> QuerySet[Competency]:
    """The leaves of the school's own frameworks whose code starts with
    ``code_prefix``, by code: what the demo plans lessons on."""
    return Competency.objects.filter(
        framework__school=school, code__startswith=code_prefix, children__isnull=True
    ).order_by("code")


def practisable_competencies(school_id: int) -> QuerySet[Competency]:
    """Competencies the school has active auto-scored items for: what
    adaptive practice can serve."""
    return (
        Competency.objects.filter(
            items__school_id=school_id,
            items__active=True,
            items__kind__in=AUTO_SCORED,
        )
        .distinct()
        .order_by("pk")
    )


def frameworks_by_ids(ids: Iterable[int]) -> QuerySet[Framework]:
    """The frameworks with these ids, for a caller to narrow further."""
    return Framework.objects.filter(pk__in=list(ids))


def frameworks_with_competencies_for(schools: QuerySet | Iterable[int]) -> list[Framework]:
    """The frameworks of these schools and the global ones that have
    competencies, by title: the frameworks a learner's mastery is shown on."""
    return list(
        Framework.objects.filter(Q(school__in=schools) | Q(school__isnull=True))
        .filter(competencies__isnull=False)
        .distinct()
        .order_by("title")
    )


def items_of_school(school: School | int) -> QuerySet[Item]:
    """The school's items, active or not (a school's items are its own)."""
    return Item.objects.filter(school=school)


def items_by_ids(ids: Iterable[int]) -> QuerySet[Item]:
    """The items with these ids (an unknown id is simply missing)."""
    return Item.objects.filter(pk__in=list(ids))


def item_by_id(item_id: int) -> Item:
    """The item; ``Item.DoesNotExist`` if there is none."""
    return Item.objects.get(pk=item_id)


def item_with_practice_flag(
    user: User, item_id: int, *, also: tuple[str, ...] = (), also_params: tuple = ()
) -> Item | None:
    """The item about to be answered, with whether ``user`` is a learner of
    its school (``may_practise``, read by the practice rule) in the same
    query: every round trip counts on the answer path. The query is written
    by hand, since building it with the ORM cost more than the database took
    to answer it (decision 0016). ``also``: more columns, SQL expressions
    over the item (alias ``i``) that the apps above ask for in the same
    statement, with ``also_params`` for their placeholders in order; their
    values are kept on the item as the tuple ``also``."""
    with handwritten.cursor() as cursor:
        cursor.execute(_item_with_practice_flag_sql(also), [user.pk, *also_params, item_id])
        row = cursor.fetchone()
    if row is None:
        return None
    width = handwritten.width(Item)
    item = handwritten.model_from_row(Item, row)
    item.may_practise = bool(row[width])
    item.also = tuple(row[width + 1 :])
    return item


@functools.cache
def _item_with_practice_flag_sql(also: tuple[str, ...]) -> str:
    may_practise = people_selectors.is_learner_at_sql("i.school_id")
    more = "".join(f", {expression}" for expression in also)
    return (
        f"SELECT {handwritten.columns(Item, 'i')}, {may_practise}{more}"
        f" FROM {Item._meta.db_table} i WHERE i.id = %s"
    )


def practice_items_in(
    *, schools: QuerySet | Iterable[int], competencies: Iterable
) -> QuerySet[Item]:
    """Active auto-scored items of these competencies in these schools: what
    a learner may practise (adaptive practice scores them at once)."""
    return Item.objects.filter(
        competencies__in=competencies, active=True, school__in=schools, kind__in=AUTO_SCORED
    )


def item_competency_pairs(*, items: QuerySet | Iterable[int], competency_ids: Iterable[int]):
    """(item id, competency id) for each tag of these items on these
    competencies, by item: the tags without fetching the items."""
    return (
        Item.competencies.through.objects.filter(
            item_id__in=items, competency_id__in=competency_ids
        )
        .order_by("item_id")
        .values_list("item_id", "competency_id")
    )


def competency_ids_by_item(item_ids: Iterable[int]) -> dict[int, list[int]]:
    """item id -> ids of the competencies it is tagged with, in one query."""
    out: dict[int, list[int]] = defaultdict(list)
    through = Item.competencies.through
    for item_id, competency_id in through.objects.filter(item_id__in=set(item_ids)).values_list(
        "item_id", "competency_id"
    ):
        out[item_id].append(competency_id)
    return out


def item_competency_ids(item_id: int) -> list[int]:
    """The ids of the competencies the item is tagged with."""
    through = Item.competencies.through
    return list(through.objects.filter(item_id=item_id).values_list("competency_id", flat=True))


#: SQL selecting, as ``cid``, the competencies an item (the one parameter)
#: is tagged with: a subquery for evidence's hand-written statements that
#: lock a learner's mastery records (they must stay one round trip).
ITEM_COMPETENCIES_SQL = (
    f"SELECT competency_id AS cid FROM {Item.competencies.through._meta.db_table} "
    "WHERE item_id = %s"
)
#: SQL selecting, as ``cid``, the competencies among ``{marks}`` (one ``%s``
#: per id) that exist, for the same statements.
COMPETENCIES_AMONG_SQL = (
    f"SELECT id AS cid FROM {Competency._meta.db_table} WHERE id IN ({{marks}})"
)


def resources_of_school(school: School | int) -> QuerySet[Resource]:
    """The school's resources."""
    return Resource.objects.filter(school=school)


def resources_of_schools(schools: QuerySet | Iterable[int]) -> QuerySet[Resource]:
    """The resources of these schools, their competencies fetched with them."""
    return Resource.objects.filter(school__in=schools).prefetch_related("competencies")


def resource_by_id(resource_id: object) -> Resource | None:
    """The resource with this id, or None."""
    return Resource.objects.filter(pk=resource_id).first()


# --- What the curriculum API lists ------------------------------------------


def frameworks_listed_for(user: User) -> QuerySet[Framework]:
    """The frameworks ``user`` may see, by title, each with its
    ``competency_count``."""
    return frameworks_visible_to(user).order_by("title")


def competency_count(framework: Framework) -> int:
    """How many competencies the framework holds (one COUNT query)."""
    return framework.competencies.count()


def competencies_listed_for(user: User, *, framework_id: int | None = None) -> QuerySet[Competency]:
    """The competencies ``user`` may see, in the framework's order, of one
    framework when ``framework_id`` is given."""
    qs = competencies_visible_to(user).order_by("framework_id", "position", "pk")
    if framework_id is not None:
        qs = qs.filter(framework_id=framework_id)
    return qs


def items_listed_for(user: User, *, competency_id: int | None = None) -> QuerySet[Item]:
    """The items ``user`` may see (with their answer keys: staff only), in
    the order they were made, tagged with one competency when given."""
    qs = items_visible_to(user).order_by("pk")
    if competency_id is not None:
        qs = qs.filter(competencies=competency_id)
    return qs


def resources_listed_for(user: User, *, competency_id: int | None = None) -> QuerySet[Resource]:
    """The resources ``user`` may see, by title, tagged with one competency
    when given."""
    qs = resources_visible_to(user).order_by("title", "pk")
    if competency_id is not None:
        qs = qs.filter(competencies=competency_id)
    return qs


# --- What interop reads -------------------------------------------------------


def items_with_competency_ids(school: School, item_ids: list[int]) -> dict[int, Item]:
    """The school's items among ``item_ids`` (other schools' never), each
    with ``competency_ids``, read with their competency links in one query:
    the xAPI statements resource runs this on every request, and the ORM
    would take two (the items, then their links)."""
    if not item_ids:
        return {}
    q = connection.ops.quote_name
    meta = Item._meta
    through = Item.competencies.through._meta
    link_item = through.get_field("item").column
    link_competency = through.get_field("competency").column
    sql = (
        "SELECT {item}.*, {link}.{competency} AS competency_link FROM {item} "
        "LEFT JOIN {link} ON {link}.{link_item} = {item}.{pk} "
        "WHERE {item}.{school} = %s AND {item}.{pk} IN ({pks})"
    ).format(
        item=q(meta.db_table),
        link=q(through.db_table),
        competency=q(link_competency),
        link_item=q(link_item),
        pk=q(meta.pk.column),
        school=q(meta.get_field("school").column),
        pks=", ".join(["%s"] * len(item_ids)),
    )
    found: dict[int, Item] = {}
    for row in Item.objects.raw(sql, [school.pk, *item_ids]):
        item = found.setdefault(row.pk, row)
        if not hasattr(item, "competency_ids"):
            item.competency_ids = []
        if row.competency_link is not None:
            item.competency_ids.append(row.competency_link)
    return found


def competencies_named(
    school: School, *, uris: Iterable[str], identifiers: Iterable[str]
) -> QuerySet[Competency]:
    """Competencies of the school's frameworks or the global ones whose URI
    or identifier is among those given: how a statement or an imported item
    names a competency."""
    return Competency.objects.filter(
        Q(framework__school=school) | Q(framework__school__isnull=True),
        Q(uri__in=uris) | Q(identifier__in=identifiers),
    )


def items_in_bank(school: School, framework: Framework | None = None) -> QuerySet[Item]:
    """The school's active items (those linked to ``framework`` when given),
    by id, with their competencies and frameworks in two more queries: what
    a QTI package of the school's bank holds."""
    items = Item.objects.filter(school=school, active=True)
    if framework is not None:
        items = items.filter(competencies__framework=framework).distinct()
    return items.order_by("pk").prefetch_related("competencies__framework")

"""Writes for the curriculum, each validated with ``full_clean`` inside one
transaction so that a refused change leaves nothing behind."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from trellis.curriculum.graph import find_cycle
from trellis.curriculum.kinds import NUMERIC
from trellis.curriculum.models import Competency, CompetencyLink, Framework, Item, Resource

if TYPE_CHECKING:
    from trellis.people.models import School, User

NEEDS_COMPETENCY = _("Tag at least one competency.")
COMPETENCY_ELSEWHERE = _("There is no competency with id {id} in this school's frameworks.")
LINK_OTHER_FRAMEWORK = _("Both competencies must belong to the same framework.")
LINK_WOULD_CYCLE = _("That prerequisite would make a cycle: {cycle}.")
PARENT_OTHER_FRAMEWORK = _("The parent competency belongs to another framework.")


def _check_competencies(school: School, competencies: Sequence[Competency]) -> None:
    if not competencies:
        raise ValidationError({"competencies": NEEDS_COMPETENCY})
    for c in competencies:
        owner = c.framework.school_id
        if owner is not None and owner != school.pk:
            raise ValidationError({"competencies": COMPETENCY_ELSEWHERE.format(id=c.pk)})


@transaction.atomic
def framework_create(
    *, school: School | None, title: str, subject: str = "", **fields: Any
) -> Framework:
    framework = Framework(school=school, title=title, subject=subject, **fields)
    framework.full_clean()
    framework.save()
    return framework


@transaction.atomic
def competency_create(
    *,
    framework: Framework,
    code: str,
    statement: str,
    grade_band: str = "",
    parent: Competency | None = None,
    item_type: str = "Standard",
    position: int = 0,
) -> Competency:
    if parent is not None and parent.framework_id != framework.pk:
        raise ValidationError({"parent": PARENT_OTHER_FRAMEWORK})
    competency = Competency(
        framework=framework,
        code=code,
        statement=statement,
        subject=framework.subject,
        grade_band=grade_band,
        parent=parent,
        item_type=item_type,
        position=position,
    )
    competency.full_clean()
    competency.save()
    return competency


@transaction.atomic
def competency_link_create(
    *, origin: Competency, destination: Competency, kind: str = CompetencyLink.PRECEDES
) -> CompetencyLink:
    """Add a typed link; a prerequisite that would close a cycle is refused
    with the cycle named."""
    if origin.framework_id != destination.framework_id:
        raise ValidationError(LINK_OTHER_FRAMEWORK)
    if kind == CompetencyLink.PRECEDES:
        edges: dict[int, list[int]] = {}
        for o, d in CompetencyLink.objects.filter(
            framework_id=origin.framework_id, kind=CompetencyLink.PRECEDES
        ).values_list("origin_id", "destination_id"):
            edges.setdefault(o, []).append(d)
        edges.setdefault(origin.pk, []).append(destination.pk)
        cycle = find_cycle(edges)
        if cycle:
            labels = dict(Competency.objects.filter(pk__in=cycle).values_list("pk", "code"))
            raise ValidationError(
                LINK_WOULD_CYCLE.format(cycle=" → ".join(labels.get(c) or str(c) for c in cycle))
            )
    link = CompetencyLink(
        framework_id=origin.framework_id, origin=origin, destination=destination, kind=kind
    )
    link.full_clean()
    link.save()
    return link


@transaction.atomic
def item_create(
    *,
    school: School,
    kind: str,
    prompt: str,
    competencies: Sequence[Competency],
    created_by: User | None = None,
    options: list[dict[str, Any]] | None = None,
    numeric_answer: float | None = None,
    numeric_tolerance: float = 0,
    accepted_answers: list[str] | None = None,
    rubric: list[dict[str, Any]] | None = None,
) -> Item:
    _check_competencies(school, competencies)
    item = Item(
        school=school,
        kind=kind,
        prompt=prompt,
        created_by=created_by,
        options=[
            {
                "text": str(o.get("text", "")).strip(),
                "correct": bool(o.get("correct")),
                "removable": bool(o.get("removable")),
            }
            for o in options or []
        ],
        numeric_answer=numeric_answer,
        numeric_tolerance=numeric_tolerance or 0,
        accepted_answers=list(accepted_answers or []),
        rubric=list(rubric or []),
    )
    item.full_clean()
    item.save()
    item.competencies.set(competencies)
    return item


@transaction.atomic
def resource_create(
    *,
    school: School,
    title: str,
    format: str,
    competencies: Sequence[Competency],
    url: str = "",
    description: str = "",
    readiness_level: int = 3,
    interest_tags: Sequence[str] = (),
    accessibility_features: Sequence[str] = (),
    created_by: User | None = None,
) -> Resource:
    _check_competencies(school, competencies)
    resource = Resource(
        school=school,
        title=title,
        format=format,
        url=url,
        description=description,
        readiness_level=readiness_level,
        interest_tags=list(interest_tags),
        accessibility_features=list(accessibility_features),
        created_by=created_by,
    )
    resource.full_clean()
    resource.save()
    resource.competencies.set(competencies)
    return resource


@transaction.atomic(savepoint=False)
def item_retire(*, item: Item) -> None:
    """Take the item out of the bank (inactive): draw rules and practice no
    longer hand it out, and the answers already given to it stay. One UPDATE
    of that one column, so no savepoint of its own: a caller's transaction
    (turning a proposal into a task) is what it belongs to."""
    Item.objects.filter(pk=item.pk).update(active=False)


@transaction.atomic(savepoint=False)
def proxy_item_create(*, school: School, competency: Competency, prompt: str) -> Item:
    """A hidden (inactive) numeric item standing for ``competency``: an xAPI
    statement about the competency itself is recorded as an answer to it,
    scored 1 or 0, like any other response. Inactive, so that no draw rule
    or practice hands it to a learner. No savepoint of its own: it is made
    inside the statements' transaction, whose query count the tests pin."""
    item = Item(school=school, kind=NUMERIC, prompt=prompt, numeric_answer=1, active=False)
    item.full_clean()
    item.save()
    item.competencies.add(competency)
    return item


# --- Bulk writes for the importers -------------------------------------------
# A public data set brings thousands of skills and items at once, so these
# write in bulk (no ``full_clean`` per row: the importer builds the fields),
# with no savepoint of their own: they run inside the import's one
# transaction, whose query count the tests pin.


@transaction.atomic(savepoint=False)
def framework_get_or_create(
    *, school: School | None, identifier: str, title: str, subject: str = ""
) -> Framework:
    """The school's framework with this identifier, made (with ``title``
    and ``subject``) the first time: a second import of the same file finds it."""
    framework, _created = Framework.objects.get_or_create(
        school=school, identifier=identifier, defaults={"title": title, "subject": subject}
    )
    return framework


@transaction.atomic(savepoint=False)
def competencies_bulk_ensure(
    *, framework: Framework, competencies: Sequence[dict[str, Any]]
) -> dict[str, Competency]:
    """Create, in bulk, those of ``competencies`` (the fields of each, with
    its ``identifier``) the framework lacks; return every competency of the
    framework by identifier. Three queries whatever the number."""
    have = {c.identifier for c in framework.competencies.all()}
    Competency.objects.bulk_create(
        [
            Competency(framework=framework, **fields)
            for fields in competencies
            if fields["identifier"] not in have
        ],
        batch_size=1000,
    )
    return {c.identifier: c for c in framework.competencies.all()}


@transaction.atomic(savepoint=False)
def proxy_items_bulk_ensure(
    *, school: School, wanted: Sequence[tuple[str, Sequence[int]]]
) -> dict[str, int]:
    """The hidden (inactive, numeric) item of each ``(prompt, competency
    ids)``, found by its prompt or created in bulk with its competency links:
    prompt -> item id. The items a data set's answers are recorded against."""
    existing = dict(
        Item.objects.filter(school=school, prompt__in=[p for p, _ in wanted]).values_list(
            "prompt", "pk"
        )
    )
    missing = [(prompt, ids) for prompt, ids in wanted if prompt not in existing]
    items = [
        Item(school=school, kind=NUMERIC, prompt=prompt, numeric_answer=1, active=False)
        for prompt, _ in missing
    ]
    Item.objects.bulk_create(items, batch_size=1000)
    through = Item.competencies.through
    through.objects.bulk_create(
        [
            through(item_id=i.pk, competency_id=cid)
            for i, (_, ids) in zip(items, missing, strict=True)
            for cid in ids
        ],
        batch_size=2000,
    )
    existing.update({i.prompt: i.pk for i in items})
    return existing

"""The class heat map one page of learners at a time.

A class imported from a public data set can hold thousands of learners on a
framework of a hundred competencies (ASSISTments 2009: 3,361 × 123); one
page of all of them was 50 MB of HTML and 8.5 s. Here the learners are
ordered in the database (by name, by their mean over the framework, or by
one competency) and cut into pages of ``PAGE_SIZE``; only the page's
records are read. Queries: the page's learners (with the sort key), the
class size, the framework's competencies, the page's records — the same
for a class of 30 or of 3,361.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Exists, F, FloatField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from trellis.curriculum.selectors import assessable_competencies, frameworks_by_ids
from trellis.engine import levels
from trellis.evidence.models import MasteryRecord
from trellis.evidence.selectors import _EMPTY, LEVEL_LABELS, LEVEL_SHORT, HeatCell, HeatRow
from trellis.people import selectors as people_selectors

if TYPE_CHECKING:
    from trellis.people.models import SchoolClass

if TYPE_CHECKING:
    from trellis.curriculum.models import Framework

#: Learners per page: 40 × 123 competencies stays well under 1 MB of HTML.
PAGE_SIZE = 40


@dataclass(frozen=True)
class PageRow(HeatRow):
    """A row with its cells already written as HTML: a page is 40 × 123
    cells, and the template language spent over a second drawing them one
    tag at a time (profiled for issue #18); here it is one join."""

    cells_html: SafeString = mark_safe("")


def _cell_html(cell: HeatCell) -> str:
    return (
        f'<td class="level-{escape(cell.level)}"><span aria-hidden="true">{escape(cell.short)}'
        f'</span><span class="visually-hidden">{escape(cell.label)}</span> {cell.percent}</td>'
    )


@dataclass(frozen=True)
class HeatPage:
    framework: Framework | None
    competencies: list
    rows: list[PageRow]
    sort: str
    descending: bool
    page: int
    pages: int
    learners: int
    #: 1-based positions of the first and last learner shown.
    first: int
    last: int


def default_framework(school_class: SchoolClass, frameworks: list[Framework]) -> Framework | None:
    """The framework the page opens on: the first (in the list's order) on
    which a learner of the class has a mastery record — after a data-set
    import the first framework in the list is often one nobody has evidence
    on yet; the first when none has any. One query, an EXISTS per framework
    (it stops at the first record, rather than counting a whole district's)."""
    if not frameworks:
        return None
    learners = people_selectors.class_learner_ids(school_class)
    with_evidence = set(
        frameworks_by_ids(f.pk for f in frameworks)
        .filter(
            Exists(
                MasteryRecord.objects.filter(
                    competency__framework_id=OuterRef("pk"), learner_id__in=learners
                )
            )
        )
        .values_list("pk", flat=True)
    )
    return next((f for f in frameworks if f.pk in with_evidence), frameworks[0])


def class_heatmap_page(
    school_class: SchoolClass,
    framework: Framework | None,
    *,
    sort: str = "name",
    descending: bool = False,
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> HeatPage:
    """One page of the heat map, sorted over the whole class. ``sort`` is
    "name", "mean" or a competency id; a learner without a record on a
    competency counts 0 there, as the cell shows."""
    competencies = assessable_competencies(framework) if framework else []
    ids = [c.pk for c in competencies]
    roster = people_selectors.roster_of(school_class)
    learners_total = roster.count()
    pages = max(1, -(-learners_total // page_size))
    page = min(max(1, page), pages)
    names = ["last_name", "first_name", "username"]
    if sort == "mean" and ids:
        roster = roster.annotate(
            key=Coalesce(
                Sum(
                    "mastery__probability",
                    filter=Q(mastery__competency_id__in=ids),
                ),
                Value(0.0),
                output_field=FloatField(),
            )
        )
        order = ["key", *names]
    elif sort.isdigit() and int(sort) in ids:
        roster = roster.annotate(
            key=Coalesce(
                Subquery(
                    MasteryRecord.objects.filter(
                        learner_id=OuterRef("pk"), competency_id=int(sort)
                    ).values("probability")[:1]
                ),
                Value(0.0),
                output_field=FloatField(),
            )
        )
        order = ["key", *names]
    else:
        sort, order = "name", names
    if descending:
        order = [F(name).desc() for name in order]
    start = (page - 1) * page_size
    learners = list(roster.order_by(*order).distinct()[start : start + page_size])
    by_pair: dict[tuple[int, int], HeatCell] = {}
    if learners and ids:
        for learner_id, competency_id, probability, level, attempts in MasteryRecord.objects.filter(
            learner_id__in=[u.pk for u in learners], competency_id__in=ids
        ).values_list("learner_id", "competency_id", "probability", "level", "attempts"):
            by_pair[(learner_id, competency_id)] = HeatCell(
                level,
                LEVEL_SHORT[level],
                LEVEL_LABELS[level],
                levels.percent(probability),
                attempts,
            )
    rows = []
    for learner in learners:
        cells = [by_pair.get((learner.pk, cid), _EMPTY) for cid in ids]
        mean = round(sum(c.percent for c in cells) / len(cells)) if cells else 0
        html = mark_safe("".join(_cell_html(cell) for cell in cells))  # noqa: S308 (escaped above)
        rows.append(PageRow(learner=learner, cells=cells, mean=mean, cells_html=html))
    return HeatPage(
        framework=framework,
        competencies=competencies,
        rows=rows,
        sort=sort,
        descending=descending,
        page=page,
        pages=pages,
        learners=learners_total,
        first=start + 1 if rows else 0,
        last=start + len(rows),
    )

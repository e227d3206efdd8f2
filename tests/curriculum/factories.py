"""Curriculum records for tests: a small framework with a prerequisite
chain, and items of every kind."""

from __future__ import annotations

from trellis.curriculum import services
from trellis.curriculum.models import Competency, CompetencyLink, Framework, Item
from trellis.curriculum.models import item as kinds
from trellis.people.models import School

RUBRIC = [
    {"name": "Reasoning", "levels": ["none", "partial", "complete"]},
    {"name": "Accuracy", "levels": ["wrong", "right"]},
]


def make_framework(
    school: School | None, codes: tuple[str, ...] = ("A.1", "A.2", "A.3")
) -> Framework:
    """A framework with one domain and a chain of prerequisites A.1 → A.2 → A.3."""
    framework = services.framework_create(
        school=school, title=f"Maths for {school}", subject="Mathematics"
    )
    domain = services.competency_create(
        framework=framework, code="A", statement="Domain A", item_type="Domain"
    )
    previous: Competency | None = None
    for n, code in enumerate(codes):
        c = services.competency_create(
            framework=framework,
            code=code,
            statement=f"Can do {code}",
            parent=domain,
            position=n + 1,
        )
        if previous is not None:
            services.competency_link_create(
                origin=previous, destination=c, kind=CompetencyLink.PRECEDES
            )
        previous = c
    return framework


def leaf(framework: Framework, code: str) -> Competency:
    return framework.competencies.get(code=code)


def make_items(school: School, competency: Competency) -> dict[str, Item]:
    return {
        kinds.CHOICE: services.item_create(
            school=school,
            kind=kinds.CHOICE,
            prompt="2 + 2?",
            competencies=[competency],
            options=[
                {"text": "3", "removable": True},
                {"text": "4", "correct": True},
                {"text": "5"},
            ],
        ),
        kinds.NUMERIC: services.item_create(
            school=school,
            kind=kinds.NUMERIC,
            prompt="Half of 5?",
            competencies=[competency],
            numeric_answer=2.5,
            numeric_tolerance=0.01,
        ),
        kinds.TEXT: services.item_create(
            school=school,
            kind=kinds.TEXT,
            prompt="Name the top of a fraction.",
            competencies=[competency],
            accepted_answers=["numerator"],
        ),
        kinds.RUBRIC: services.item_create(
            school=school,
            kind=kinds.RUBRIC,
            prompt="Explain fractions.",
            competencies=[competency],
            rubric=RUBRIC,
        ),
    }


def make_multiple_response(school: School, competency: Competency) -> Item:
    """Which are even? Options 0 and 2 are correct; option 3 is removable."""
    return services.item_create(
        school=school,
        kind=kinds.MULTIPLE_RESPONSE,
        prompt="Which are even?",
        competencies=[competency],
        options=[
            {"text": "2", "correct": True},
            {"text": "3"},
            {"text": "4", "correct": True},
            {"text": "5", "removable": True},
        ],
    )

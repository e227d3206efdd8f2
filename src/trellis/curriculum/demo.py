"""The demo school's curriculum: a small grade 6–7 mathematics framework of
our own wording (10 domains, 29 competencies, a prerequisite DAG), items for
every competency, a few performance tasks, and tagged resources.

Called by ``trellis load-demo`` inside its transaction; bulk inserts keep it
well under a second."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import TYPE_CHECKING

from trellis.curriculum.models import Competency, CompetencyLink, Framework, Item, Resource
from trellis.curriculum.models import item as kinds

if TYPE_CHECKING:
    from trellis.people.models import School

Numeric = Callable[[random.Random], tuple[str, float, float]]

DOMAINS: list[tuple[str, str, str]] = [
    ("6.RP", "Ratios and rates", "6"),
    ("6.NS", "The number system", "6"),
    ("6.EE", "Expressions and equations", "6"),
    ("6.G", "Geometry", "6"),
    ("6.SP", "Statistics", "6"),
    ("7.RP", "Proportional relationships", "7"),
    ("7.NS", "Rational numbers", "7"),
    ("7.EE", "Linear expressions and equations", "7"),
    ("7.G", "Circles", "7"),
    ("7.SP", "Probability", "7"),
]


def _q(text: str, answer: float, tolerance: float = 0.0) -> tuple[str, float, float]:
    return text, answer, tolerance


#: code -> (statement, numeric question generator)
COMPETENCIES: dict[str, tuple[str, Numeric]] = {
    "6.RP.1": ("Describe how two quantities compare using a ratio.",
               lambda r: (lambda a, b, k: _q(f"For every {a} cats at the shelter there are {b} dogs. With {a * k} cats, how many dogs are there?", b * k))(r.randint(2, 5), r.randint(2, 7), r.randint(2, 6))),
    "6.RP.2": ("Find a unit rate and use it to compare rates.",
               lambda r: (lambda a, k: _q(f"A cyclist rides {a * k} km in {k} hours at a steady speed. How many km per hour is that?", a))(r.randint(8, 25), r.randint(2, 5))),
    "6.RP.3": ("Solve problems with ratio tables and percentages of a quantity.",
               lambda r: (lambda p, n: _q(f"What is {p} % of {n}?", p * n / 100))(r.choice([10, 20, 25, 50, 75]), r.choice([40, 80, 120, 200, 360]))),
    "6.NS.1": ("Divide a whole number or a fraction by a fraction.",
               lambda r: (lambda n, d: _q(f"How many pieces of size 1/{d} fit into {n} whole pizzas?", n * d))(r.randint(2, 9), r.randint(2, 8))),
    "6.NS.2": ("Divide multi-digit whole numbers fluently.",
               lambda r: (lambda a, b: _q(f"Work out {a * b} ÷ {b}.", a))(r.randint(12, 99), r.randint(3, 19))),
    "6.NS.3": ("Add, subtract, multiply and divide multi-digit decimals.",
               lambda r: (lambda x, y: _q(f"Work out {x} + {y}.", round(x + y, 2), 0.001))(round(r.uniform(1, 50), 2), round(r.uniform(1, 50), 2))),
    "6.NS.4": ("Find greatest common factors and least common multiples.",
               lambda r: (lambda g, a, b: _q(f"What is the greatest common factor of {g * a} and {g * b}?", g))(r.randint(2, 9), 2, 3)),
    "6.NS.5": ("Use positive and negative numbers to describe quantities in context.",
               lambda r: (lambda t, d: _q(f"It is {t} °C at noon and the temperature falls {d} degrees by midnight. What is the temperature at midnight?", t - d))(r.randint(1, 8), r.randint(9, 15))),
    "6.NS.6": ("Locate points in all four quadrants and find distances along a grid line.",
               lambda r: (lambda x, a, b: _q(f"How far apart are the points ({x}, {a}) and ({x}, -{b})?", a + b))(r.randint(-5, 5), r.randint(1, 9), r.randint(1, 9))),
    "6.EE.1": ("Evaluate numerical expressions with whole-number exponents.",
               lambda r: (lambda b, e: _q(f"Work out {b}^{e} ({b} to the power {e}).", b**e))(r.randint(2, 6), r.randint(2, 3))),
    "6.EE.2": ("Write and evaluate expressions in which letters stand for numbers.",
               lambda r: (lambda c, x: _q(f"Evaluate 3x + {c} when x = {x}.", 3 * x + c))(r.randint(1, 12), r.randint(2, 9))),
    "6.EE.3": ("Produce equivalent expressions using the properties of operations.",
               lambda r: (lambda a: _q(f"3(x + {a}) = 3x + ? — what number replaces the question mark?", 3 * a))(r.randint(2, 12))),
    "6.EE.5": ("Solve one-step equations and explain why a value is a solution.",
               lambda r: (lambda a, b: _q(f"Solve x + {a} = {a + b}. What is x?", b))(r.randint(3, 30), r.randint(3, 40))),
    "6.EE.9": ("Relate a dependent and an independent variable with an equation.",
               lambda r: (lambda m, x: _q(f"A plant grows {m} cm each week: h = {m}w. What is h when w = {x}?", m * x))(r.randint(2, 6), r.randint(3, 12))),
    "6.G.1": ("Find the area of triangles and quadrilaterals by composing and decomposing.",
              lambda r: (lambda b, h: _q(f"A triangle has base {b} cm and height {h} cm. What is its area in cm²?", b * h / 2, 0.001))(r.randint(3, 14), r.randint(2, 12))),
    "6.G.2": ("Find the volume of a rectangular prism.",
              lambda r: (lambda a, b, c: _q(f"A box measures {a} cm by {b} cm by {c} cm. What is its volume in cm³?", a * b * c))(r.randint(2, 9), r.randint(2, 9), r.randint(2, 9))),
    "6.G.4": ("Use nets to find the surface area of solids.",
              lambda r: (lambda a: _q(f"What is the surface area of a cube with edges of {a} cm, in cm²?", 6 * a * a))(r.randint(2, 9))),
    "6.SP.3": ("Find and interpret the mean of a data set.",
               lambda r: (lambda xs: _q(f"What is the mean of {', '.join(map(str, xs))}?", sum(xs) / len(xs), 0.01))([r.randint(2, 20) for _ in range(4)])),
    "6.SP.5": ("Summarise a data set with its median and range.",
               lambda r: (lambda xs: _q(f"What is the median of {', '.join(map(str, xs))}?", sorted(xs)[2]))(r.sample(range(1, 40), 5))),
    "7.RP.1": ("Compute unit rates from ratios of fractions.",
               lambda r: (lambda p, q: _q(f"A snail crawls {p} m in {q} minutes. How many metres is that per hour?", p * 60 / q, 0.01))(r.randint(1, 6), r.choice([5, 10, 15, 20, 30]))),
    "7.RP.2": ("Recognise proportional relationships and find the constant of proportionality.",
               lambda r: (lambda k, x: _q(f"y is proportional to x, and y = {k * x} when x = {x}. What is the constant of proportionality?", k))(r.randint(2, 9), r.randint(2, 9))),
    "7.RP.3": ("Solve multi-step percent problems such as discounts and tax.",
               lambda r: (lambda p, d: _q(f"A jacket costs ${p} and is {d} % off. What is the sale price in dollars?", p * (100 - d) / 100, 0.01))(r.choice([40, 60, 80, 120]), r.choice([10, 25, 30, 50]))),
    "7.NS.1": ("Add and subtract positive and negative rational numbers.",
               lambda r: (lambda a, b: _q(f"Work out {a} + ({-b}).", a - b))(r.randint(-12, 12), r.randint(1, 15))),
    "7.NS.2": ("Multiply and divide positive and negative rational numbers.",
               lambda r: (lambda a, b: _q(f"Work out ({-a}) × {b}.", -a * b))(r.randint(2, 12), r.randint(2, 12))),
    "7.EE.1": ("Expand, factor, add and subtract linear expressions.",
               lambda r: (lambda a, b: _q(f"Expand {a}(x + {b}). What is the constant term?", a * b))(r.randint(2, 9), r.randint(2, 9))),
    "7.EE.4": ("Solve two-step equations and interpret the solution.",
               lambda r: (lambda a, x, b: _q(f"Solve {a}x + {b} = {a * x + b}. What is x?", x))(r.randint(2, 9), r.randint(-6, 12), r.randint(1, 20))),
    "7.G.4": ("Use the formulas for the area and circumference of a circle.",
              lambda r: (lambda rad: _q(f"Using π ≈ 3.14, what is the area of a circle of radius {rad} cm, in cm²?", round(3.14 * rad * rad, 2), 0.1))(r.randint(2, 10))),
    "7.SP.5": ("Express the likelihood of an event as a probability between 0 and 1.",
               lambda r: (lambda a, b: _q(f"A bag holds {a} red and {b} blue marbles. What is the probability of drawing red, as a decimal?", round(a / (a + b), 3), 0.01))(r.randint(1, 5), r.choice([3, 5, 7]))),
}  # fmt: skip

#: origin precedes destination: origin is a prerequisite of destination.
PREREQUISITES: list[tuple[str, str]] = [
    ("6.RP.1", "6.RP.2"), ("6.NS.2", "6.RP.2"), ("6.RP.2", "6.RP.3"), ("6.NS.3", "6.RP.3"),
    ("6.NS.2", "6.NS.3"), ("6.NS.4", "6.NS.1"), ("6.NS.5", "6.NS.6"), ("6.NS.5", "7.NS.1"),
    ("7.NS.1", "7.NS.2"), ("6.EE.1", "6.EE.2"), ("6.EE.2", "6.EE.3"), ("6.EE.2", "6.EE.5"),
    ("6.EE.5", "6.EE.9"), ("6.EE.3", "7.EE.1"), ("6.EE.5", "7.EE.4"), ("7.NS.1", "7.EE.4"),
    ("6.NS.3", "6.G.1"), ("6.G.1", "6.G.4"), ("6.NS.2", "6.G.2"), ("6.G.1", "7.G.4"),
    ("6.NS.3", "6.SP.3"), ("6.SP.3", "6.SP.5"), ("6.RP.3", "7.RP.3"), ("6.RP.2", "7.RP.1"),
    ("6.NS.1", "7.RP.1"), ("7.RP.1", "7.RP.2"), ("6.EE.9", "7.RP.2"), ("6.RP.1", "7.SP.5"),
]  # fmt: skip

SHORT_TEXT: list[tuple[str, str, list[str]]] = [
    (
        "6.RP.2",
        "What two-word name do we give to a rate for one unit, such as “12 km per 1 hour”?",
        ["unit rate"],
    ),
    ("6.NS.4", "What is the smallest number that is a multiple of both 4 and 6?", ["12", "twelve"]),
    ("6.G.2", "What do we call the amount of space inside a solid shape?", ["volume"]),
    (
        "6.SP.3",
        "Which measure of centre adds all the values and divides by how many there are?",
        ["mean", "the mean", "average"],
    ),
    ("7.SP.5", "What is the probability of an impossible event?", ["0", "zero"]),
    (
        "6.EE.2",
        "In the expression 3x + 5, what do we call the letter x?",
        ["variable", "a variable"],
    ),
    (
        "7.G.4",
        "What is the distance from the centre of a circle to its edge called?",
        ["radius", "the radius"],
    ),
]

RUBRIC = [
    {
        "name": "Reasoning",
        "levels": ["Not shown", "Partly explained", "Clearly explained", "Explained and justified"],
    },
    {"name": "Accuracy", "levels": ["Mostly incorrect", "Some errors", "Correct"]},
    {
        "name": "Communication",
        "levels": ["Hard to follow", "Understandable", "Clear, with a diagram or table"],
    },
]
TASKS: list[tuple[str, str]] = [
    (
        "6.RP.3",
        "Plan a class party for 28 people with a budget of $120. Use a ratio table to decide how much of each snack to buy, and explain your choices.",
    ),
    (
        "6.G.2",
        "Design a box that holds exactly 240 cm³ of popcorn. Give its dimensions, sketch its net, and explain why your design uses little cardboard.",
    ),
    (
        "7.SP.5",
        "Invent a game with two dice that is fair for two players. Show the probability that each player wins and explain why the game is fair.",
    ),
]

RESOURCES: list[tuple[str, str, str, int, list[str], list[str], list[str]]] = [
    ("Ratios in the kitchen", "video", "https://example.org/videos/ratios-kitchen", 2, ["cooking"], ["captions", "transcript"], ["6.RP.1", "6.RP.3"]),
    ("Unit rates at the racetrack", "interactive", "https://example.org/sims/unit-rates", 3, ["sport", "cars"], ["keyboard"], ["6.RP.2", "7.RP.1"]),
    ("Fraction pizza party", "hands-on", "", 1, ["cooking", "games"], ["large-print"], ["6.NS.1"]),
    ("Below zero: temperatures on Mars", "reading", "https://example.org/readings/mars-temperatures", 3, ["space", "science"], ["screen-reader", "read-aloud"], ["6.NS.5", "7.NS.1"]),
    ("Coordinate treasure hunt", "interactive", "https://example.org/games/treasure-grid", 2, ["games", "adventure"], ["keyboard"], ["6.NS.6"]),
    ("Power up: exponents explained", "audio", "https://example.org/podcasts/exponents", 2, ["music"], ["transcript"], ["6.EE.1"]),
    ("Balance puzzles for equations", "interactive", "https://example.org/sims/balance", 3, ["games", "puzzles"], ["keyboard", "screen-reader"], ["6.EE.5", "7.EE.4"]),
    ("Design a cereal box", "project", "", 4, ["art", "design"], [], ["6.G.2", "6.G.4"]),
    ("Basketball statistics", "reading", "https://example.org/readings/basketball-stats", 3, ["sport"], ["screen-reader"], ["6.SP.3", "6.SP.5"]),
    ("Sale! Percent discounts", "video", "https://example.org/videos/discounts", 4, ["shopping", "money"], ["captions"], ["7.RP.3"]),
    ("Circles in nature", "video", "https://example.org/videos/circles-nature", 3, ["nature", "art"], ["captions", "audio-description"], ["7.G.4"]),
    ("Fair or unfair? Dice games", "hands-on", "", 3, ["games"], ["large-print"], ["7.SP.5"]),
    ("Number line stories", "audio", "https://example.org/podcasts/number-lines", 2, ["stories"], ["transcript"], ["7.NS.1", "7.NS.2"]),
    ("Expression machines", "interactive", "https://example.org/sims/expression-machine", 4, ["robots", "technology"], ["keyboard"], ["6.EE.3", "7.EE.1"]),
]  # fmt: skip

NUMERIC_PER_COMPETENCY = 3


def _choice_options(rng: random.Random, answer: float) -> list[dict]:
    """One correct value and three plausible slips; the two least plausible
    are marked removable (for "reduced answer choices")."""

    def fmt(v: float) -> str:
        return f"{v:g}"

    slips = [
        answer + rng.choice([1, 2, 10]),
        answer * 2 if answer else 1,
        answer - 1,
        -answer if answer else 2,
    ]
    distractors: list[str] = []
    for value in slips:
        text = fmt(round(value, 3))
        if text != fmt(answer) and text not in distractors:
            distractors.append(text)
    distractors = distractors[:3]
    options = [{"text": fmt(answer), "correct": True, "removable": False}] + [
        {"text": d, "correct": False, "removable": n > 0} for n, d in enumerate(distractors)
    ]
    rng.shuffle(options)
    return options


def load_demo_curriculum(*, school: School) -> Framework:
    """Create the demo framework, items and resources for ``school``."""
    rng = random.Random(20260901)
    framework = Framework.objects.create(
        school=school,
        title="Trellis Mathematics, grades 6–7",
        subject="Mathematics",
        creator="Trellis demo",
        version="1.0",
        adoption_status="Adopted",
        language="en",
        description="A small framework written for the Trellis demo: ratios, number, expressions, geometry, statistics and probability.",
    )
    domains = Competency.objects.bulk_create(
        [
            Competency(framework=framework, code=code, statement=title, subject="Mathematics",
                       grade_band=grade, item_type="Domain", position=n)
            for n, (code, title, grade) in enumerate(DOMAINS)
        ]
    )  # fmt: skip
    by_domain = {d.code: d for d in domains}
    leaves = Competency.objects.bulk_create(
        [
            Competency(framework=framework, code=code, statement=statement, subject="Mathematics",
                       grade_band=code[0], item_type="Standard", position=100 + n,
                       parent=by_domain[code.rsplit(".", 1)[0]])
            for n, (code, (statement, _)) in enumerate(COMPETENCIES.items())
        ]
    )  # fmt: skip
    by_code = {c.code: c for c in leaves}
    CompetencyLink.objects.bulk_create(
        [
            CompetencyLink(framework=framework, kind=CompetencyLink.PRECEDES, origin=by_code[a], destination=by_code[b])
            for a, b in PREREQUISITES
        ]
        + [CompetencyLink(framework=framework, kind=CompetencyLink.RELATED, origin=by_code["6.RP.3"], destination=by_code["7.RP.3"])]
    )  # fmt: skip

    items: list[tuple[Item, list[Competency]]] = []
    for code, (_, make) in COMPETENCIES.items():
        comp = by_code[code]
        for _ in range(NUMERIC_PER_COMPETENCY):
            text, answer, tol = make(rng)
            items.append((Item(school=school, kind=kinds.NUMERIC, prompt=text, numeric_answer=answer,
                               numeric_tolerance=tol), [comp]))  # fmt: skip
        text, answer, _ = make(rng)
        items.append((Item(school=school, kind=kinds.CHOICE, prompt=text,
                           options=_choice_options(rng, answer)), [comp]))  # fmt: skip
    for code, prompt, accepted in SHORT_TEXT:
        items.append(
            (
                Item(school=school, kind=kinds.TEXT, prompt=prompt, accepted_answers=accepted),
                [by_code[code]],
            )
        )
    for code, prompt in TASKS:
        items.append(
            (Item(school=school, kind=kinds.RUBRIC, prompt=prompt, rubric=RUBRIC), [by_code[code]])
        )
    for item, _ in items:
        item.full_clean(exclude=["competencies"])
    created = Item.objects.bulk_create([i for i, _ in items])
    through = Item.competencies.through
    through.objects.bulk_create(
        [
            through(item_id=item.pk, competency_id=c.pk)
            for item, (_, comps) in zip(created, items, strict=True)
            for c in comps
        ]
    )
    resources = Resource.objects.bulk_create(
        [
            Resource(school=school, title=t, format=f, url=u, readiness_level=lvl, interest_tags=tags,
                     accessibility_features=acc, description=f"A {f} resource on {', '.join(codes)}.")
            for t, f, u, lvl, tags, acc, codes in RESOURCES
        ]
    )  # fmt: skip
    rthrough = Resource.competencies.through
    rthrough.objects.bulk_create(
        [
            rthrough(resource_id=res.pk, competency_id=by_code[code].pk)
            for res, spec in zip(resources, RESOURCES, strict=True)
            for code in spec[6]
        ]
    )
    return framework

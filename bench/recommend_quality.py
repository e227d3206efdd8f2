"""How good are the recommendations? Measured on simulated learners whose
true interests are known.

The simulation:

* a vocabulary per interest topic (space, music, sports, ...) of words a
  learner or a resource would use about it, plus general classroom words;
* a catalogue of resources, each on one or two topics, with a description
  drawn from those topics' words and filler, a random format, readiness
  level (1-5) and competency; its tags are its topics;
* learners with 1-3 hidden true topics, who *state* only some of them as
  tags (each with probability ``--stated``) and write an interests text
  from their topics' words (without necessarily naming the topic); a
  preferred format and a mastery on each competency.

Ground truth: a resource is *relevant* to a learner when it is on one of
their true topics and its level is within one of their expected level
(``1 + 4 * mastery``). For nDCG the gain is 2 for relevant, 1 for on-topic
but off-level, +1 if it is in the learner's preferred format (on-topic only).

Rankers compared: random; tags only (stated-tag overlap, ties by id); text
only (BM25 on the interests text); the full recommender with BM25 and with
TF-IDF; and two ablations of the full recommender, without the learner's
interests text and without their stated tags.

Caveat: the ground truth uses the same expected-level formula as the
recommender, so the gap between the full recommender and the interest-only
baselines partly measures agreement with that formula, not with real
learners. The interest part (text vs tags vs both) is the honest signal. Metrics: precision@5 and nDCG@10, averaged over learners.

Run::

    .venv/bin/python bench/recommend_quality.py --learners 300 --resources 400 --seed 0

The last line of output is JSON.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from trellis.engine.recommend import (
    Bm25Index,
    LearnerContext,
    ResourceInfo,
    expected_level,
    recommend,
    tokenize,
)

TOPICS: dict[str, list[str]] = {
    "space": [
        "planet",
        "rocket",
        "orbit",
        "astronaut",
        "galaxy",
        "star",
        "moon",
        "telescope",
        "comet",
        "nasa",
        "gravity",
    ],
    "music": [
        "song",
        "guitar",
        "rhythm",
        "band",
        "piano",
        "melody",
        "drum",
        "concert",
        "beat",
        "chord",
        "singer",
    ],
    "sports": [
        "soccer",
        "basketball",
        "team",
        "score",
        "athlete",
        "baseball",
        "league",
        "coach",
        "goal",
        "race",
    ],
    "animals": [
        "dog",
        "cat",
        "wildlife",
        "zoo",
        "habitat",
        "bird",
        "species",
        "pet",
        "elephant",
        "shark",
        "jungle",
    ],
    "cooking": [
        "recipe",
        "bake",
        "flour",
        "kitchen",
        "chef",
        "oven",
        "sugar",
        "cake",
        "ingredient",
        "meal",
    ],
    "art": [
        "paint",
        "drawing",
        "sketch",
        "color",
        "museum",
        "canvas",
        "artist",
        "sculpture",
        "design",
        "brush",
    ],
    "games": [
        "videogame",
        "level",
        "player",
        "controller",
        "puzzle",
        "minecraft",
        "console",
        "quest",
        "score",
    ],
    "ocean": [
        "sea",
        "wave",
        "coral",
        "reef",
        "whale",
        "tide",
        "beach",
        "diver",
        "submarine",
        "fish",
    ],
    "fashion": [
        "clothes",
        "shoes",
        "style",
        "designer",
        "fabric",
        "outfit",
        "runway",
        "sewing",
        "pattern",
    ],
    "cars": ["engine", "wheel", "racing", "motor", "speed", "garage", "driver", "truck", "fuel"],
    "history": [
        "ancient",
        "empire",
        "castle",
        "king",
        "war",
        "pyramid",
        "medieval",
        "timeline",
        "explorer",
    ],
    "coding": [
        "program",
        "computer",
        "robot",
        "algorithm",
        "code",
        "app",
        "website",
        "debug",
        "loop",
    ],
}
FILLER = [
    "ratio",
    "rate",
    "unit",
    "compare",
    "measure",
    "table",
    "graph",
    "problem",
    "example",
    "practice",
    "step",
]
FORMATS = ("video", "reading", "interactive", "hands-on", "audio", "project")
COMPETENCIES = tuple(f"7.RP.{k}" for k in range(1, 4)) + tuple(f"7.G.{k}" for k in range(1, 5))


@dataclass(frozen=True)
class SimLearner:
    context: LearnerContext
    true_topics: frozenset[str]


def make_catalogue(rng: random.Random, n: int) -> tuple[list[ResourceInfo], list[frozenset[str]]]:
    topics = sorted(TOPICS)
    resources, truth = [], []
    for i in range(n):
        ts = frozenset(rng.sample(topics, rng.choice((1, 1, 2))))
        words = [w for t in sorted(ts) for w in rng.sample(TOPICS[t], 4)]
        words += rng.sample(FILLER, 5)
        rng.shuffle(words)
        title_words = [rng.choice(TOPICS[t]) for t in sorted(ts)] + [rng.choice(FILLER)]
        resources.append(
            ResourceInfo(
                id=f"r{i:04d}",
                title=" ".join(title_words).capitalize(),
                description=" ".join(words) + ".",
                competency_codes=(rng.choice(COMPETENCIES),),
                readiness_level=rng.randint(1, 5),
                format=rng.choice(FORMATS),
                interest_tags=tuple(sorted(ts)),
            )
        )
        truth.append(ts)
    return resources, truth


def make_learner(rng: random.Random, i: int, stated: float) -> SimLearner:
    topics = frozenset(rng.sample(sorted(TOPICS), rng.choice((1, 2, 2, 3))))
    tags = frozenset(t for t in sorted(topics) if rng.random() < stated)
    words = [w for t in sorted(topics) for w in rng.sample(TOPICS[t], 3)]
    words += rng.sample(["fun", "cool", "school", "weekend", "friends", "really"], 2)
    rng.shuffle(words)
    mastery = {c: round(rng.random(), 3) for c in COMPETENCIES}
    ctx = LearnerContext(
        id=f"l{i:04d}",
        mastery=mastery,
        ready_to_learn=frozenset(c for c in COMPETENCIES if mastery[c] < 0.6),
        interests_text="I like " + " ".join(words),
        interest_tags=tags,
        preferred_formats=(rng.choice(FORMATS),),
    )
    return SimLearner(ctx, topics)


def gains(
    learner: SimLearner, resources: Sequence[ResourceInfo], truth: Sequence[frozenset[str]]
) -> dict[str, float]:
    out: dict[str, float] = {}
    for r, ts in zip(resources, truth, strict=True):
        if not (ts & learner.true_topics):
            out[r.id] = 0.0
            continue
        code = r.competency_codes[0]
        fits = abs(r.readiness_level - expected_level(learner.context.mastery[code])) <= 1.0
        g = 2.0 if fits else 1.0
        if r.format in learner.context.preferred_formats:
            g += 1.0
        out[r.id] = g
    return out


def relevant(learner: SimLearner, r: ResourceInfo, ts: frozenset[str]) -> bool:
    code = r.competency_codes[0]
    level_ok = abs(r.readiness_level - expected_level(learner.context.mastery[code])) <= 1.0
    return bool(ts & learner.true_topics) and level_ok


def ndcg(ranked: Sequence[str], gain: dict[str, float], k: int) -> float:
    dcg = sum(gain[rid] / math.log2(pos + 2) for pos, rid in enumerate(ranked[:k]))
    ideal = sorted(gain.values(), reverse=True)[:k]
    idcg = sum(g / math.log2(pos + 2) for pos, g in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0


Ranker = Callable[[SimLearner, Sequence[ResourceInfo]], list[str]]


def rank_random(seed: int) -> Ranker:
    def ranker(learner: SimLearner, resources: Sequence[ResourceInfo]) -> list[str]:
        rng = random.Random(f"{seed}-{learner.context.id}")
        ids = [r.id for r in resources]
        rng.shuffle(ids)
        return ids

    return ranker


def rank_tags_only(learner: SimLearner, resources: Sequence[ResourceInfo]) -> list[str]:
    tags = learner.context.interest_tags
    return [
        r.id
        for r in sorted(resources, key=lambda r: (-len(tags & frozenset(r.interest_tags)), r.id))
    ]


def rank_text_only(learner: SimLearner, resources: Sequence[ResourceInfo]) -> list[str]:
    docs = [tokenize(f"{r.title} {r.description} {' '.join(r.interest_tags)}") for r in resources]
    scores = Bm25Index(docs).scores(tokenize(learner.context.interests_text))
    order = sorted(range(len(resources)), key=lambda i: (-scores[i], resources[i].id))
    return [resources[i].id for i in order]


def rank_full(text_model: str) -> Ranker:
    def ranker(learner: SimLearner, resources: Sequence[ResourceInfo]) -> list[str]:
        recs = recommend(learner.context, resources, k=len(resources), text_model=text_model)  # type: ignore[arg-type]
        return [r.resource_id for r in recs]

    return ranker


def rank_full_without(drop: str) -> Ranker:
    """Ablation: the full recommender without the learner's text or tags."""

    def ranker(learner: SimLearner, resources: Sequence[ResourceInfo]) -> list[str]:
        ctx = learner.context
        ctx = (
            replace(ctx, interests_text="")
            if drop == "text"
            else replace(ctx, interest_tags=frozenset())
        )
        return [r.resource_id for r in recommend(ctx, resources, k=len(resources))]

    return ranker


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--learners", type=int, default=300)
    parser.add_argument("--resources", type=int, default=400)
    parser.add_argument("--stated", type=float, default=0.5, help="chance a true topic is stated")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    rng = random.Random(args.seed)
    resources, truth = make_catalogue(rng, args.resources)
    learners = [make_learner(rng, i, args.stated) for i in range(args.learners)]
    rankers: dict[str, Ranker] = {
        "random": rank_random(args.seed),
        "tags_only": rank_tags_only,
        "text_only_bm25": rank_text_only,
        "full_bm25": rank_full("bm25"),
        "full_tfidf": rank_full("tfidf"),
        "full_bm25_without_text": rank_full_without("text"),
        "full_bm25_without_tags": rank_full_without("tags"),
    }
    by_id = {r.id: (r, ts) for r, ts in zip(resources, truth, strict=True)}
    results: dict[str, dict[str, float]] = {}
    for name, ranker in rankers.items():
        t0 = time.perf_counter()
        p5 = nd = 0.0
        for learner in learners:
            ranked = ranker(learner, resources)
            p5 += sum(relevant(learner, *by_id[rid]) for rid in ranked[:5]) / 5
            nd += ndcg(ranked, gains(learner, resources, truth), 10)
        elapsed = time.perf_counter() - t0
        results[name] = {
            "precision_at_5": round(p5 / len(learners), 4),
            "ndcg_at_10": round(nd / len(learners), 4),
            "ms_per_learner": round(1000 * elapsed / len(learners), 2),
        }
        print(
            f"{name:24s} P@5 {results[name]['precision_at_5']:.3f}  "
            f"nDCG@10 {results[name]['ndcg_at_10']:.3f}  "
            f"{results[name]['ms_per_learner']:.1f} ms/learner",
            file=sys.stderr,
        )
    print(
        json.dumps(
            {
                "bench": "recommend_quality",
                "learners": args.learners,
                "resources": args.resources,
                "stated": args.stated,
                "seed": args.seed,
                "results": results,
            },
            sort_keys=True,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

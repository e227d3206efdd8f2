"""Resource recommendations matched to readiness, interests and preferences.

Each resource gets a score between 0 and 1 made of named parts, so that the
ranking can be explained to the learner in one line ("Matches your interest
in space; a video, as you prefer; at your level for 7.RP.2"):

``level``
    How well the resource's readiness level (1-5) fits the learner. The
    learner's expected level on the resource's competency is
    ``1 + 4 * mastery``; the fit is ``exp(-d**2 / 2)`` for a resource ``d``
    levels harder and ``exp(-(d / 1.5)**2 / 2)`` for one ``d`` levels easier
    -- too hard is penalised more than too easy, because a too-hard resource
    stops a learner, a too-easy one only slows them.
``ready``
    1 when the resource teaches a competency the learner is ready to learn
    (prerequisites mastered, not yet mastered itself), 0.5 for another
    competency not yet mastered, 0 for one already mastered.
``interest``
    The mean of (a) tag overlap -- the shared interest tags divided by the
    smaller of the two tag sets -- and (b) text similarity between what the
    learner wrote about their interests and the resource's title,
    description and tags (BM25 by default, TF-IDF cosine as an option),
    scaled so the best-matching resource in the catalogue scores 1. When
    only one of the two is available it is used alone.
``format``
    1 when the resource's format is one the learner prefers for taking in
    information, 0 when it is not, 0.5 when the learner stated no
    preference.

Competencies the learner has mastered are not recommended as new work: a
resource whose competency (the one asked for, else the first not yet
mastered) is mastered is left out, unless the call asks for **review**
(``review=True``), which returns only such resources, each reason saying
"for review: you have mastered 6.RP.1 (99 %)".

``score = 0.35 level + 0.15 ready + 0.35 interest + 0.15 format``, then
multiplied by ``0.5 + 0.5 * coverage`` where coverage is the share of the
learner's accessibility needs that the resource provides (1 when they need
none): a resource the learner cannot fully use drops, and says so. Ties are
broken by resource id, so the ranking is deterministic.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from trellis.engine import levels

# --- Error messages -----------------------------------------------------------

READINESS_LEVEL_ERROR = "A resource's readiness level must be between 1 and 5, not {value}."
MASTERY_RANGE_ERROR = "Mastery must be between 0 and 1, not {value} for {code}."
K_ERROR = "The number of recommendations must be at least 1, not {value}."
TEXT_MODEL_ERROR = "Unknown text model {value!r}; use 'bm25' or 'tfidf'."

FORMATS = ("video", "reading", "interactive", "hands-on", "audio", "project")
MASTERED = 0.95  # mastery at or above which a competency counts as mastered
MIN_LEVEL, MAX_LEVEL = 1, 5

TextModel = Literal["bm25", "tfidf"]

# --- Text -----------------------------------------------------------------------

#: A short English stopword list, written for this module: function words and
#: words that carry no interest ("like", "really", "things").
_STOPWORDS_TEXT = """
    a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each
    few for from further get gets got had has have having he her here hers herself him
    himself his how i if in into is it its itself just like likes liked love loves me
    more most my myself no nor not now of off on once only or other our ours ourselves
    out over own really same she should so some such than that the their theirs them
    themselves then there these they thing things this those through to too under until
    up very was we were what when where which while who whom why will with would you
    your yours yourself yourselves enjoy enjoys want wants much many lot lots stuff
    learn learning kind sort way ways
    """
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())

_TOKEN = re.compile(r"[a-z0-9]+")


def stem(word: str) -> str:
    """A deliberately light stemmer: plurals and common endings only, so that
    "planets"/"planet" and "drawing"/"draw" meet without mangling words."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 4 and word.endswith("ed") and not word.endswith("eed"):
        return word[:-2]
    if len(word) > 3 and word.endswith("es") and word[-3] in "sxz":
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens, stopwords removed, lightly stemmed."""
    return [stem(t) for t in _TOKEN.findall(text.lower()) if t not in STOPWORDS and len(t) > 1]


def surface_forms(text: str) -> dict[str, str]:
    """Map each stem to the first word the learner actually wrote for it,
    so that reasons quote the learner's words ("planets", not "planet")."""
    forms: dict[str, str] = {}
    for t in _TOKEN.findall(text.lower()):
        if t in STOPWORDS or len(t) <= 1:
            continue
        forms.setdefault(stem(t), t)
    return forms


class Bm25Index:
    """Okapi BM25 over a small catalogue (k1 = 1.5, b = 0.75), with the
    non-negative idf ``ln(1 + (N - df + 0.5) / (df + 0.5))``."""

    def __init__(self, docs: Sequence[Sequence[str]], k1: float = 1.5, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.tf = [Counter(d) for d in docs]
        self.lengths = [len(d) for d in docs]
        n = len(docs)
        self.avgdl = (sum(self.lengths) / n) if n else 0.0
        df: Counter[str] = Counter()
        for counts in self.tf:
            df.update(counts.keys())
        self.idf = {t: math.log(1.0 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}

    def scores(self, query: Iterable[str]) -> list[float]:
        terms = set(query)
        out: list[float] = []
        for counts, length in zip(self.tf, self.lengths, strict=True):
            s = 0.0
            norm = self.k1 * (1.0 - self.b + self.b * length / self.avgdl) if self.avgdl else 0.0
            for t in terms:
                f = counts.get(t, 0)
                if f:
                    s += self.idf[t] * f * (self.k1 + 1.0) / (f + norm)
            out.append(s)
        return out

    def matched_terms(self, index: int, query: Iterable[str]) -> list[str]:
        """Query terms found in document ``index``, most informative first."""
        counts = self.tf[index]
        hits = [t for t in set(query) if t in counts]
        return sorted(hits, key=lambda t: (-self.idf[t], t))


class TfidfIndex(Bm25Index):
    """TF-IDF cosine similarity (log-scaled tf, smooth idf), sharing the
    BM25 index's bookkeeping."""

    def __init__(self, docs: Sequence[Sequence[str]]) -> None:
        super().__init__(docs)
        n = len(docs)
        self.idf = {t: math.log((1 + n) / (1 + c)) + 1.0 for t, c in self._df().items()}
        self.norms = [
            math.sqrt(sum(((1 + math.log(f)) * self.idf[t]) ** 2 for t, f in counts.items()))
            for counts in self.tf
        ]

    def _df(self) -> Counter[str]:
        df: Counter[str] = Counter()
        for counts in self.tf:
            df.update(counts.keys())
        return df

    def scores(self, query: Iterable[str]) -> list[float]:
        q = Counter(query)
        qvec = {t: (1 + math.log(f)) * self.idf[t] for t, f in q.items() if t in self.idf}
        qnorm = math.sqrt(sum(v * v for v in qvec.values()))
        out: list[float] = []
        for counts, norm in zip(self.tf, self.norms, strict=True):
            if not qnorm or not norm:
                out.append(0.0)
                continue
            dot = sum(
                w * (1 + math.log(counts[t])) * self.idf[t] for t, w in qvec.items() if t in counts
            )
            out.append(dot / (qnorm * norm))
        return out


# --- Inputs and outputs -----------------------------------------------------------


@dataclass(frozen=True)
class ResourceInfo:
    """What the recommender needs to know about one resource."""

    id: str
    title: str
    description: str = ""
    competency_codes: tuple[str, ...] = ()
    readiness_level: int = 3
    format: str = "reading"
    interest_tags: tuple[str, ...] = ()
    accessibility: tuple[str, ...] = ()  # features it provides, e.g. "captions"

    def __post_init__(self) -> None:
        if not MIN_LEVEL <= self.readiness_level <= MAX_LEVEL:
            raise ValueError(READINESS_LEVEL_ERROR.format(value=self.readiness_level))


@dataclass(frozen=True)
class LearnerContext:
    """What the recommender knows about the learner: mastery per competency
    (0..1), the "ready to learn" fringe, interests in their own words and as
    tags, preferred formats for taking in information, and the accessibility
    features they need."""

    id: str
    mastery: Mapping[str, float] = field(default_factory=dict)
    ready_to_learn: frozenset[str] = frozenset()
    interests_text: str = ""
    interest_tags: frozenset[str] = frozenset()
    preferred_formats: tuple[str, ...] = ()
    needs_accessibility: frozenset[str] = frozenset()
    #: Competencies the platform counts as mastered (its level, which also
    #: asks for enough answers); None: mastery at or above ``MASTERED``.
    mastered: frozenset[str] | None = None

    def has_mastered(self, code: str) -> bool:
        if self.mastered is not None:
            return code in self.mastered
        return self.mastery.get(code, 0.0) >= MASTERED

    def __post_init__(self) -> None:
        for code, value in self.mastery.items():
            if not 0.0 <= value <= 1.0:
                raise ValueError(MASTERY_RANGE_ERROR.format(value=value, code=code))


@dataclass(frozen=True)
class Weights:
    """How much each part counts; the defaults are documented above."""

    level: float = 0.35
    ready: float = 0.15
    interest: float = 0.35
    format: float = 0.15


@dataclass(frozen=True)
class Recommendation:
    resource_id: str
    score: float
    components: dict[str, float]
    reason: str
    competency: str | None = None
    #: The reason as (code, parameters) parts, for a presentation layer that
    #: says it in another language: ``interest`` (words), ``format`` and
    #: ``format_preferred`` (format), ``review`` (code, percent), ``hard``,
    #: ``step_up``, ``easy`` and ``at_level`` (code, may be empty),
    #: ``ready`` (no parameters; qualifies the part before it), ``lacks``
    #: (features, comma-separated) and ``catalogue``.
    parts: tuple[tuple[str, dict[str, str]], ...] = ()


# --- Scoring ------------------------------------------------------------------------


def expected_level(mastery: float) -> float:
    """The readiness level (1-5) a learner with this mastery is ready for."""
    return MIN_LEVEL + (MAX_LEVEL - MIN_LEVEL) * mastery


def level_fit(resource_level: int, mastery: float) -> float:
    """1 at the expected level, falling off faster above it than below."""
    d = resource_level - expected_level(mastery)
    sigma = 1.0 if d > 0 else 1.5
    return math.exp(-((d / sigma) ** 2) / 2.0)


def _focus_competency(
    resource: ResourceInfo, learner: LearnerContext, competency: str | None
) -> str | None:
    """The competency the resource is judged on: the one asked for; else one
    the learner is ready to learn; else the least-mastered one."""
    if competency is not None:
        return competency
    codes = sorted(resource.competency_codes)
    if not codes:
        return None
    ready = [c for c in codes if c in learner.ready_to_learn]
    if ready:
        return ready[0]
    return min(codes, key=lambda c: (learner.has_mastered(c), learner.mastery.get(c, 0.0), c))


def _ready_part(code: str | None, learner: LearnerContext) -> float:
    if code is None:
        return 0.5
    if code in learner.ready_to_learn:
        return 1.0
    return 0.0 if learner.has_mastered(code) else 0.5


def _tag_overlap(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _norm_tag(tag: str) -> str:
    return tag.strip().lower()


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


LEVEL_PHRASES = {
    "hard": "may be hard for now",
    "step_up": "a step up",
    "easy": "may be easy for you",
    "at_level": "at your level",
}


def _level_code(resource_level: int, mastery: float) -> str:
    d = resource_level - expected_level(mastery)
    if d > 1.5:
        return "hard"
    if d > 0.5:
        return "step_up"
    if d < -1.5:
        return "easy"
    return "at_level"


def _level_phrase(resource_level: int, mastery: float, code: str | None) -> str:
    where = f" for {code}" if code else ""
    return LEVEL_PHRASES[_level_code(resource_level, mastery)] + where


def _document(resource: ResourceInfo) -> list[str]:
    tags = " ".join(resource.interest_tags)
    return tokenize(f"{resource.title} {resource.title} {resource.description} {tags} {tags}")


def recommend(
    learner: LearnerContext,
    resources: Sequence[ResourceInfo],
    competency: str | None = None,
    k: int = 10,
    *,
    weights: Weights | None = None,
    text_model: TextModel = "bm25",
    review: bool = False,
) -> list[Recommendation]:
    """Rank ``resources`` for ``learner`` and return the best ``k`` with a
    one-line reason each. With ``competency`` given, only resources tagged
    with it are considered and level fit is judged on it. Resources on a
    competency the learner has mastered are left out; with ``review`` only
    those are ranked, offered as review."""
    if k < 1:
        raise ValueError(K_ERROR.format(value=k))
    if text_model not in ("bm25", "tfidf"):
        raise ValueError(TEXT_MODEL_ERROR.format(value=text_model))
    w = weights or Weights()
    pool = [r for r in resources if competency is None or competency in r.competency_codes]
    if not pool:
        return []

    # Interest: text similarity over the pool (scaled so the best is 1).
    query = tokenize(learner.interests_text)
    forms = surface_forms(learner.interests_text)
    docs = [_document(r) for r in pool]
    index: Bm25Index = TfidfIndex(docs) if text_model == "tfidf" else Bm25Index(docs)
    raw = index.scores(query) if query else [0.0] * len(pool)
    top = max(raw) if raw else 0.0
    text = [s / top if top > 0 else 0.0 for s in raw]
    learner_tags = frozenset(_norm_tag(t) for t in learner.interest_tags)
    preferred = tuple(f.lower() for f in learner.preferred_formats)

    scored: list[Recommendation] = []
    for i, res in enumerate(pool):
        code = _focus_competency(res, learner, competency)
        if (code is not None and learner.has_mastered(code)) != review:
            continue
        mastery = learner.mastery.get(code, 0.0) if code else 0.0
        level = level_fit(res.readiness_level, mastery) if code else 0.5
        ready = _ready_part(code, learner)
        res_tags = frozenset(_norm_tag(t) for t in res.interest_tags)
        tag = _tag_overlap(learner_tags, res_tags)
        if learner_tags and query:
            interest = 0.5 * tag + 0.5 * text[i]
        elif learner_tags:
            interest = tag
        else:
            interest = text[i]
        fmt = res.format.lower()
        form = (1.0 if fmt in preferred else 0.0) if preferred else 0.5
        needs = learner.needs_accessibility
        missing = sorted(needs - frozenset(res.accessibility))
        coverage = 1.0 - len(missing) / len(needs) if needs else 1.0
        base = w.level * level + w.ready * ready + w.interest * interest + w.format * form
        score = base * (0.5 + 0.5 * coverage)
        components = {
            "level": round(level, 6),
            "ready": round(ready, 6),
            "interest": round(interest, 6),
            "tags": round(tag, 6),
            "text": round(text[i], 6),
            "format": round(form, 6),
            "access": round(coverage, 6),
        }

        # The reason: the interest that matched, the format, the level.
        parts: list[str] = []
        coded: list[tuple[str, dict[str, str]]] = []
        shared = sorted(learner_tags & res_tags)
        words = shared[:2]
        if not words and text[i] > 0:
            words = [forms.get(t, t) for t in index.matched_terms(i, query)[:2]]
        if words:
            parts.append(f"matches your interest in {' and '.join(words)}")
            coded.append(("interest", {"words": " and ".join(words)}))
        if preferred and fmt in preferred:
            parts.append(f"{_article(fmt)} {fmt}, as you prefer")
            coded.append(("format_preferred", {"format": fmt}))
        elif preferred:
            parts.append(f"{_article(fmt)} {fmt}")
            coded.append(("format", {"format": fmt}))
        if code and review:
            percent = str(levels.percent(mastery))
            parts.append(f"for review: you have mastered {code} ({percent} %)")
            coded.append(("review", {"code": code, "percent": percent}))
        elif code:
            parts.append(_level_phrase(res.readiness_level, mastery, code))
            coded.append((_level_code(res.readiness_level, mastery), {"code": code}))
            if code in learner.ready_to_learn and competency is None:
                parts[-1] += " (you're ready to learn it)"
                coded.append(("ready", {}))
        if missing:
            parts.append(f"lacks {', '.join(missing)}")
            coded.append(("lacks", {"features": ", ".join(missing)}))
        if not parts:
            coded.append(("catalogue", {}))
        reason = "; ".join(parts) if parts else "in your catalogue"
        reason = reason[0].upper() + reason[1:]
        scored.append(
            Recommendation(res.id, round(score, 12), components, reason, code, tuple(coded))
        )

    scored.sort(key=lambda r: (-r.score, r.resource_id))
    return scored[:k]

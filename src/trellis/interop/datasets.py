"""Loading a public response log (DKT, ASSISTments, DataShop, Trellis
``answers``) into a class,
so a school or a researcher can watch Trellis run on real learners' data.

The file is read by :func:`trellis.engine.datasets.read`. Each skill becomes
a competency of a framework named after the file. Each answer is recorded
once, through a hidden numeric item (answer 1 = correct) linked to all of
the answer's skills: one item per item of the file when the file names its
items, else one per distinct set of skills, so an answer with several
skills counts once in the fit and in the scores, as on the platform. Each
learner becomes an account with no usable password, a learner of the school
and enrolled in the class. Everything is bulk-inserted, then the school's
mastery model is fit and every record rebuilt, as the demo does. Importing
the same file again adds nothing (the rows' keys are deterministic)."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from django.db import transaction
from django.utils import timezone

from trellis.curriculum.services import (
    competencies_bulk_ensure,
    framework_get_or_create,
    proxy_items_bulk_ensure,
)
from trellis.engine import datasets
from trellis.evidence.selectors.records import record_count_of_framework
from trellis.evidence.services import mastery_fit_school
from trellis.evidence.services.batch import ImportedAnswer, responses_import
from trellis.people.services import learners_enroll_by_username

if TYPE_CHECKING:
    from trellis.curriculum.models import Competency, Framework
    from trellis.people.models import SchoolClass

ITEM_PROMPT = "Data set {name}: {key}"
ITEM_KEY = "item {item}"
SKILLS_KEY = "skills {skills}"
EMPTY_LOG = "{path} holds no responses Trellis can load."
BAD_LIMIT = "--max-learners must be a positive number."
#: The longest username Trellis keeps (``User.username``).
USERNAME_MAX = 150


@dataclass(frozen=True)
class DatasetSummary:
    learners: int
    competencies: int
    responses: int
    dropped: int
    mastery_records: int

    def as_dict(self) -> dict[str, int]:
        return self.__dict__.copy()


def fit(text: str, limit: int) -> str:
    """``text`` if it fits in ``limit`` characters; otherwise its first
    characters, ``~`` and 12 hex digits of its SHA-256, ``limit`` long in all.
    Two different long texts stay different (a plain cut could merge two
    learners whose ids share their first 150 characters), and the same text
    always gives the same result, so re-importing a file finds its rows."""
    if len(text) <= limit:
        return text
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    return f"{text[: limit - 13]}~{digest}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:30] or "data"


def _competencies(framework: Framework, skill_ids: tuple[str, ...]) -> dict[str, Competency]:
    have = competencies_bulk_ensure(
        framework=framework,
        competencies=[
            {
                "identifier": fit(f"skill:{skill}", 100),
                "code": str(skill)[:60],
                "statement": str(skill) or "(unnamed skill)",
                "position": n,
            }
            for n, skill in enumerate(skill_ids)
        ],
    )
    return {skill: have[fit(f"skill:{skill}", 100)] for skill in skill_ids}


def _item_keys(log) -> tuple[list[str], list[tuple[int, ...]]]:
    """Each answer's hidden-item key and the skill codes that item stands
    for. A file's own item keeps its skills as first seen (an item's
    tagging does not change between answers in these data sets)."""
    keys: list[str] = []
    skills_of: dict[str, tuple[int, ...]] = {}
    for n in range(len(log)):
        skills = tuple(int(s) for s in log.skills_of(n))
        item = -1 if log.item is None else int(log.item[n])
        if item >= 0:
            key = ITEM_KEY.format(item=log.item_ids[item] if log.item_ids else item)
        else:
            names = (log.skill_ids[s] if log.skill_ids else str(s) for s in skills)
            key = SKILLS_KEY.format(skills="_".join(names))
        keys.append(key)
        skills_of.setdefault(key, skills)
    return keys, list(skills_of.items())


def _items(
    school_class: SchoolClass,
    name: str,
    wanted: list[tuple[str, tuple[int, ...]]],
    comp_of_skill: dict[int, Competency],
) -> dict[str, int]:
    """The hidden item of each key, created once (a second import of the
    same file finds them by their prompt)."""
    school = school_class.school
    prompts = {key: fit(ITEM_PROMPT.format(name=name, key=key), 10_000) for key, _ in wanted}
    existing = proxy_items_bulk_ensure(
        school=school,
        wanted=[
            (prompts[key], [comp_of_skill[s].pk for s in dict.fromkeys(skills)])
            for key, skills in wanted
        ],
    )
    return {key: existing[prompts[key]] for key, _ in wanted}


def _learners(school_class: SchoolClass, name: str, ids: tuple[str, ...]) -> list[int]:
    school = school_class.school
    usernames = [fit(f"{school.code}-{name}-{lid}", USERNAME_MAX) for lid in ids]
    return learners_enroll_by_username(school_class=school_class, usernames=usernames)


def _times(log, now: dt.datetime) -> list[dt.datetime]:
    """Each response's time: the log's own when it has one, else one minute
    apart in file order, ending now (so recency-based views make sense)."""
    order = np.argsort(log.order, kind="stable")
    rank = np.empty(len(log), dtype=np.int64)
    rank[order] = np.arange(len(log))
    start = now - dt.timedelta(minutes=len(log))
    out = []
    for n in range(len(log)):
        t = None if log.time is None else float(log.time[n])
        if t is not None and math.isfinite(t):
            out.append(dt.datetime.fromtimestamp(t, tz=dt.UTC))
        else:
            out.append(start + dt.timedelta(minutes=int(rank[n])))
    return out


@transaction.atomic
def dataset_import(
    *, path: str | Path, format: str, school_class: SchoolClass, max_learners: int | None = None
) -> DatasetSummary:
    """Load the file into the class, all or nothing. ``max_learners`` keeps
    the first N learners of the file (for a quick look at a large one)."""
    path = Path(path)
    log = datasets.read(path, format)
    if max_learners is not None:
        if max_learners < 1:
            raise ValueError(BAD_LIMIT)
        log = log.for_learners(np.arange(max_learners))
    if len(log) == 0:
        raise datasets.DatasetError(EMPTY_LOG.format(path=path))
    name = _slug(path.stem)
    school = school_class.school
    framework = framework_get_or_create(
        school=school,
        identifier=f"dataset:{format}:{name}",
        title=f"Data set {path.name} ({format})",
        subject="Data set",
    )
    used_skills = sorted(set(log.csr()[1].tolist()))
    skill_names = tuple(log.skill_ids[s] if log.skill_ids else str(s) for s in used_skills)
    comps = _competencies(framework, skill_names)
    comp_of_skill = {s: comps[n] for s, n in zip(used_skills, skill_names, strict=True)}
    keys, wanted = _item_keys(log)
    items = _items(school_class, name, wanted, comp_of_skill)
    used_learners = sorted(set(log.learner.tolist()))
    learner_ids = tuple(log.learner_ids[n] if log.learner_ids else str(n) for n in used_learners)
    learner_pk = dict(zip(used_learners, _learners(school_class, name, learner_ids), strict=True))
    times = _times(log, timezone.now())
    answered = responses_import(
        school=school,
        answers=[
            ImportedAnswer(
                learner_id=learner_pk[int(log.learner[n])],
                item_id=items[keys[n]],
                correct=bool(log.correct[n]),
                key=f"ds-{name}-{n}",
                at=times[n],
            )
            for n in range(len(log))
        ],
    )
    mastery_fit_school(school=school)
    return DatasetSummary(
        learners=len(learner_pk),
        competencies=len(comps),
        responses=answered,
        dropped=int(log.dropped),
        mastery_records=record_count_of_framework(framework.pk),
    )

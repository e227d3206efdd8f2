"""Load a simulated response log (``trellis.engine.simulate`` or
``generate_bkt``) into a school as its evidence: one competency per skill,
one hidden numeric item per simulated item (per skill when the log has no
items), one learner account per simulated learner, responses a minute apart
in each learner's time order."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.hashers import make_password

from trellis.curriculum import services as curriculum
from trellis.curriculum.models import Item
from trellis.curriculum.models import item as kinds
from trellis.engine.responses import ResponseLog
from trellis.evidence.models import Response
from trellis.evidence.models.response import SOURCE_SIMULATED
from trellis.people import roles
from trellis.people.models import Membership, School, User

START = dt.datetime(2025, 9, 1, 8, 30, tzinfo=dt.UTC)


def load_log(school: School, log: ResponseLog, prefix: str = "sim") -> dict[str, int]:
    """Bulk-insert ``log`` as ``school``'s evidence; the competency id of
    each skill id."""
    framework = curriculum.framework_create(school=school, title=f"{prefix} skills", subject="Sim")
    skills = log.skill_ids or tuple(str(k) for k in range(log.n_skills))
    comp = {
        skill: curriculum.competency_create(
            framework=framework, code=f"{prefix}.{n}", statement=f"Skill {skill}"
        ).pk
        for n, skill in enumerate(skills)
    }
    # One item per (simulated item, skill), or per skill without items.
    keys = sorted(
        {
            (int(log.item[n]) if log.item is not None else -1, int(log.skill[n]))
            for n in range(len(log))
        }
    )
    items = [
        Item(school=school, kind=kinds.NUMERIC, prompt=f"{prefix} {key}", numeric_answer=1)
        for key in keys
    ]
    Item.objects.bulk_create(items)
    through = Item.competencies.through
    through.objects.bulk_create(
        [
            through(item_id=item.pk, competency_id=comp[skills[key[1]]])
            for item, key in zip(items, keys, strict=True)
        ]
    )
    item_of = {key: item.pk for item, key in zip(items, keys, strict=True)}
    unusable = make_password(None)
    users = User.objects.bulk_create(
        [
            User(username=f"{school.code}-{prefix}-{n}", password=unusable)
            for n in range(log.n_learners)
        ]
    )
    Membership.objects.bulk_create(
        [Membership(user=u, school=school, role=roles.LEARNER) for u in users]
    )
    ordered = log.sorted()
    rows = []
    for n in range(len(ordered)):
        learner = users[int(ordered.learner[n])]
        key = (int(ordered.item[n]) if ordered.item is not None else -1, int(ordered.skill[n]))
        rows.append(
            Response(
                school=school,
                learner=learner,
                item_id=item_of[key],
                source=SOURCE_SIMULATED,
                answer="1" if ordered.correct[n] else "0",
                correct=bool(ordered.correct[n]),
                score=float(ordered.correct[n]),
                idempotency_key=f"{prefix}-{n}",
                recorded_by=learner,
                recorded_at=START + dt.timedelta(minutes=n),
            )
        )
    Response.objects.bulk_create(rows, batch_size=2000)
    return comp

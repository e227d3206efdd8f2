"""The differentiation endpoints' request and response shapes."""

from __future__ import annotations

import datetime as dt

from ninja import Schema

from trellis.differentiation.constants import READINESS


class SuggestIn(Schema):
    class_id: int
    objective_id: int
    kind: str = READINESS
    n_groups: int | None = None
    min_size: int | None = None
    max_size: int | None = None
    keep_apart: list[tuple[int, int]] = []
    keep_together: list[tuple[int, int]] = []


class GroupIn(Schema):
    label: str
    learner_ids: list[int]
    explanation: str = ""


class GroupingIn(Schema):
    class_id: int
    objective_id: int
    kind: str = READINESS
    groups: list[GroupIn]
    constraints: dict = {}
    note: str = ""


class GroupMemberOut(Schema):
    learner_id: int
    name: str
    moved_from: str = ""
    reason: str = ""


class GroupOut(Schema):
    id: int | None = None
    #: The group's identity across versions (kept when it is renamed, when
    #: learners move, and by the group that continues it in a regroup).
    key: str | None = None
    label: str
    explanation: str
    members: list[GroupMemberOut]


class GroupingOut(Schema):
    id: int | None = None
    class_id: int
    objective_id: int
    objective: str
    kind: str
    constraints: dict
    note: str = ""
    notes: list[str] = []
    based_on_id: int | None = None
    created_at: dt.datetime | None = None
    created_by: str | None = None
    plan_id: int | None = None
    groups: list[GroupOut]


class GroupingRef(Schema):
    id: int
    objective: str
    kind: str
    created_at: dt.datetime
    based_on_id: int | None
    n_groups: int
    moves: int


class MovesIn(Schema):
    moves: dict[int, str] = {}
    reasons: dict[int, str] = {}
    #: group id -> new name
    names: dict[int, str] = {}
    note: str = ""


class EntryIn(Schema):
    group_id: int
    process: str = ""
    product: str = ""
    affect: str = ""
    resource_ids: list[int] = []
    for_assessment_id: int | None = None


class GroupPlanIn(Schema):
    grouping_id: int
    objective_id: int | None = None
    title: str = ""
    entries: list[EntryIn]


class ResourceRef(Schema):
    id: int
    title: str
    format: str
    url: str


class GroupPlanEntryOut(Schema):
    group_id: int
    group_label: str
    resources: list[ResourceRef]
    process: str
    product: str
    affect: str
    for_assessment_id: int | None


class GroupPlanOut(Schema):
    id: int
    grouping_id: int
    class_id: int
    objective_id: int
    objective: str
    title: str
    entries: list[GroupPlanEntryOut]


class StationsIn(Schema):
    stations: list[str]
    minutes_per_station: int


class SlotOut(Schema):
    start_minute: int
    end_minute: int
    station_of_group: dict[str, str]


class StationsOut(Schema):
    plan_id: int
    stations: list[str]
    minutes_per_station: int
    slots: list[SlotOut]


class EvidenceOut(Schema):
    competency: str
    percent: int
    level: str
    attempts: int


class ReadinessOut(Schema):
    learner_id: int
    name: str
    objective: EvidenceOut
    weak_prerequisites: list[EvidenceOut]
    placement: str
    evidence: str


class BeforeOut(Schema):
    objective_id: int
    objective: str
    prerequisites: list[str]
    likely_to_struggle: list[ReadinessOut]
    extension: list[ReadinessOut]
    on_track: list[ReadinessOut]
    not_assessed: list[ReadinessOut]


class FlagOut(Schema):
    learner_id: int
    name: str
    kind: str
    competency: str | None
    evidence: str
    since: dt.datetime
    #: What the flag is based on (the answers since the lesson start, the
    #: threshold, or the mastery record).
    basis: str


class HandleIn(Schema):
    learner_id: int
    kind: str
    competency: str = ""
    note: str = ""


class HandledOut(Schema):
    id: int
    learner_id: int
    kind: str
    competency: str
    note: str
    at: dt.datetime
    handled_by: str | None = None


class LiveOut(Schema):
    class_id: int
    as_of: dt.datetime
    learners: int
    responses: int
    flags: list[FlagOut]
    #: The flags handled in this lesson (newest first, at most 10): what the
    #: teacher did, as the live page lists it.
    handled: list[HandledOut] = []

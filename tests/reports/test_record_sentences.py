"""A record's sentence ends in one full stop on the page, even when the
action quotes an objective that ends in one (issue 20: "..")."""

from __future__ import annotations

import datetime as dt

from django.template import Context, Template

from trellis.reports.counts import Record


def _record(action: str) -> Record:
    return Record(
        source="plans",
        decision="objective",
        day=dt.date(2026, 12, 1),
        learner_ids=frozenset({1}),
        learner_names=("Ana",),
        actor="Ms Diaz",
        action=action,
        url="/plans/1/",
    )


def test_an_action_ending_in_a_full_stop_is_not_doubled():
    shown = Template("{{ r.sentence }}.").render(
        Context({"r": _record("set the objective Read 60 words a minute.")})
    )
    assert not shown.endswith("..")
    plain = Template("{{ r.sentence }}.").render(Context({"r": _record("set an objective")}))
    assert plain == "Ms Diaz set an objective."

"""The check behind each app's ``test_visible_to_agrees_with_rules``: for
every person of two whole schools (``tests.sweep.fixture.build_sweep``) and
the site operator, a ``*_visible_to`` selector lists exactly the records its
permission rule lets that person see, no more (a leak) and no fewer (a
record the person may open but never finds in a list)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from tests.sweep.fixture import Sweep

DISAGREES = "{selector} and {perm} disagree for {actor}: listed but not allowed {extra}, allowed but not listed {missing}"


def disagreements(
    sweep: Sweep,
    selector_name: str,
    listed: Callable[[object], Iterable],
    records: Iterable,
    perm: str,
    rule_object: Callable[[object], object] = lambda record: record,
) -> list[str]:
    everything = list(records)
    assert everything, f"the two schools hold no record for {selector_name}"
    actors = [(name, user) for name, user, _ in sweep.actors() if user is not None]
    actors.append(("operator", sweep.operator))
    found = []
    for name, user in actors:
        shown = {record.pk for record in listed(user)}
        allowed = {r.pk for r in everything if user.has_perm(perm, rule_object(r))}
        if shown != allowed:
            found.append(
                DISAGREES.format(
                    selector=selector_name,
                    perm=perm,
                    actor=name,
                    extra=sorted(shown - allowed),
                    missing=sorted(allowed - shown),
                )
            )
    return found

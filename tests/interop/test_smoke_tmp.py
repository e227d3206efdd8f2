import pytest
from tests.interop.roster import district, make_zip, snapshot
from trellis.interop.oneroster import import_roster, report_lines, RosterRefused

@pytest.mark.django_db
def test_smoke():
    try:
        plan = import_roster(make_zip(district()))
    except RosterRefused as r:
        for p in r.problems: print(p)
        raise
    print("\n".join(report_lines(plan)))
    for k, v in snapshot().items(): print(k, sorted(v))
    plan = import_roster(make_zip(district()), dry_run=True)
    print("\n".join(report_lines(plan)))

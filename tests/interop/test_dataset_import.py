"""``trellis import-dataset``: public response logs become learners,
competencies, evidence and mastery in a class; bad files and unknown
classes are refused with a message and write nothing."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from trellis.curriculum.models import Competency
from trellis.engine import datasets
from trellis.evidence.models import MasteryModel, MasteryRecord, Response
from trellis.interop.management.commands.import_dataset import NO_CLASS, TWO_CLASSES
from trellis.people.models import Enrollment, User

pytestmark = pytest.mark.django_db

DKT = "3\n1,1,2\n0,1,1\n2\n2,2,\n1,1\n"


def run(*args) -> dict:
    from io import StringIO

    out = StringIO()
    call_command("import_dataset", *args, stdout=out)
    return json.loads(out.getvalue())


def test_a_dkt_file_becomes_learners_evidence_and_mastery(world, tmp_path):
    path = tmp_path / "tiny.csv"
    path.write_text(DKT)
    summary = run(str(path), "--format", "dkt", "--class", world.class_a.name)
    assert summary == {
        "learners": 2,
        "competencies": 2,
        "responses": 5,
        "dropped": 0,
        "mastery_records": 3,
    }
    learners = User.objects.filter(username__startswith=f"{world.school.code}-tiny-")
    assert learners.count() == 2 and not learners[0].has_usable_password()
    assert Enrollment.objects.filter(school_class=world.class_a, learner__in=learners).count() == 2
    first = learners.get(username__endswith="-0")
    answers = list(Response.objects.filter(learner=first).values_list("correct", flat=True))
    assert answers == [False, True, True]  # file order kept as time order
    assert MasteryModel.objects.filter(school=world.school).exists()
    assert MasteryRecord.objects.filter(learner=first).count() == 2
    # importing the same file again adds nothing
    run(str(path), "--format", "dkt", "--class", world.class_a.name)
    assert Response.objects.count() == 5 and Competency.objects.count() == 2


def test_refusals_write_nothing(world, other_world, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("3\n1,x,2\n0,1,1\n")
    with pytest.raises(CommandError) as info:
        run(str(bad), "--format", "dkt", "--class", world.class_a.name)
    assert str(info.value) == datasets.BAD_SKILL.format(path=bad, line=2, got="1,x,2")
    with pytest.raises(CommandError) as info:
        run(str(bad), "--format", "dkt", "--class", "Nowhere")
    assert str(info.value) == NO_CLASS.format(name="Nowhere", where="")
    with pytest.raises(CommandError, match="No such file"):
        run(str(tmp_path / "missing.csv"), "--format", "dkt", "--class", world.class_a.name)
    assert not Response.objects.exists() and not Competency.objects.exists()


def test_a_class_name_two_schools_share_needs_the_school(world, other_world, tmp_path):
    path = tmp_path / "tiny.csv"
    path.write_text(DKT)
    other_world.class_a.name = world.class_a.name
    other_world.class_a.save()
    with pytest.raises(CommandError) as info:
        run(str(path), "--format", "dkt", "--class", world.class_a.name)
    assert str(info.value) == TWO_CLASSES.format(count=2, name=world.class_a.name)
    run(
        str(path),
        "--format",
        "dkt",
        "--class",
        world.class_a.name,
        "--school",
        other_world.school.code,
    )
    assert not Response.objects.filter(school=world.school).exists()
    assert Response.objects.filter(school=other_world.school).count() == 5


@pytest.mark.parametrize(
    ("relative", "format"),
    [
        ("assistments2009/builder_train.csv", "dkt"),
        ("assistments2009/skill_builder_sample.csv", "assistments"),
        ("cognitive_tutor_algebra/ct.csv", "datashop"),
    ],
)
def test_the_shared_real_data_sets_load(world, shared_data, relative, format):
    summary = run(
        str(shared_data / relative),
        "--format",
        format,
        "--class",
        world.class_a.name,
        "--max-learners",
        "3",
    )
    assert summary["learners"] == 3 and summary["responses"] > 50
    assert summary["mastery_records"] > 0
    levels = set(MasteryRecord.objects.values_list("level", flat=True))
    assert len(levels) > 1  # real data gives learners different levels


ASSISTMENTS = (
    ",order_id,user_id,problem_id,skill_name,correct\n"
    "0,30,u7,p1,Box and Whisker,1\n"
    "1,10,u7,p2,Box and Whisker,0\n"
    "2,20,u8,p3,Equivalent Fractions,1\n"
    "3,40,u8,p4,,1\n"  # no skill: dropped
)
DATASHOP = (
    "Row\tAnon Student Id\tProblem Name\tStep Name\tFirst Transaction Time\t"
    "Correct First Attempt\tKC(Default)\n"
    "1\tJG4Tz\tLDEMO\tR1C1\t2006-10-26 09:52:30.0\t0\tEnter-Given~~Find-Slope\n"
    "2\tJG4Tz\tLDEMO\tR1C2\t2006-10-26 09:53:41.0\t1\tEnter-Given\n"
    "3\tXk2Qa\tLDEMO\tR1C1\t2006-10-27 10:00:00.0\t1\tFind-Slope\n"
    "4\tXk2Qa\tLDEMO\tR1C3\t2006-10-27 10:01:00.0\t1\t\n"  # no KC: dropped
)


def test_an_assistments_file_keeps_the_order_ids_time_order(world, tmp_path):
    path = tmp_path / "skills.csv"
    path.write_text(ASSISTMENTS)
    summary = run(str(path), "--format", "assistments", "--class", world.class_a.name)
    assert summary["learners"] == 2 and summary["competencies"] == 2
    assert summary["responses"] == 3 and summary["dropped"] == 1
    u7 = User.objects.get(username=f"{world.school.code}-skills-u7")
    # order_id 10 (wrong) came before order_id 30 (right)
    assert list(Response.objects.filter(learner=u7).values_list("correct", flat=True)) == [
        False,
        True,
    ]
    assert set(Competency.objects.values_list("statement", flat=True)) >= {
        "Box and Whisker",
        "Equivalent Fractions",
    }


def test_a_datashop_file_keeps_its_times_and_a_step_with_two_kcs_once(world, tmp_path):
    path = tmp_path / "steps.txt"
    path.write_text(DATASHOP)
    summary = run(str(path), "--format", "datashop", "--class", world.class_a.name)
    assert summary["learners"] == 2 and summary["competencies"] == 2
    # four steps, one without a KC: three answers, the two-KC step once
    assert summary["responses"] == 3 and summary["dropped"] == 1
    first = Response.objects.filter(learner__username__endswith="-JG4Tz").first()
    assert sorted(first.item.competencies.values_list("code", flat=True)) == [
        "Enter-Given",
        "Find-Slope",
    ]
    assert first.recorded_at.isoformat() == "2006-10-26T09:52:30+00:00"
    bad = tmp_path / "bad.txt"
    bad.write_text("Anon Student Id\tCorrect First Attempt\n")
    with pytest.raises(CommandError, match="KC"):
        run(str(bad), "--format", "datashop", "--class", world.class_a.name)


def test_long_learner_ids_stay_apart_and_are_found_again(world, tmp_path):
    """Two learner ids that share their first 200 characters are two learners
    (a plain cut to the 150 characters a username holds merged them); the
    username is the id's start, ``~`` and a hash, the same on every import."""
    common = "x" * 200
    path = tmp_path / "long.csv"
    path.write_text(
        ",order_id,user_id,problem_id,skill_name,correct\n"
        f"0,1,{common}a,p1,Fractions,1\n"
        f"1,2,{common}b,p2,Fractions,0\n"
    )
    summary = run(str(path), "--format", "assistments", "--class", world.class_a.name)
    assert summary["learners"] == 2 and summary["responses"] == 2
    learners = User.objects.filter(username__startswith=f"{world.school.code}-long-")
    names = sorted(learners.values_list("username", flat=True))
    assert len(names) == 2 and all(len(n) == 150 for n in names)
    assert [n.rsplit("~", 1)[0] for n in names] == [names[0][:137]] * 2
    answers = {
        n: list(Response.objects.filter(learner__username=n).values_list("correct", flat=True))
        for n in names
    }
    assert sorted(answers.values()) == [[False], [True]]
    run(str(path), "--format", "assistments", "--class", world.class_a.name)
    assert learners.count() == 2 and Response.objects.count() == 2


def test_fit_keeps_short_texts_and_separates_long_ones():
    from trellis.interop.datasets import fit

    assert fit("short", 10) == "short"
    a, b = fit("y" * 20 + "1", 16), fit("y" * 20 + "2", 16)
    assert len(a) == len(b) == 16 and a != b and a[:3] == "yyy" and a[3] == "~"


def test_an_answer_with_several_skills_is_recorded_once(world, tmp_path):
    path = tmp_path / "multi.csv"
    path.write_text(
        "learner,item,skills,correct\na,q1,s1_s2,1\na,q2,s2,0\nb,q1,s1_s2,0\nb,q3,s1_s2,1\n"
    )
    summary = run(str(path), "--format", "answers", "--class", world.class_a.name)
    assert summary["responses"] == 4 and summary["competencies"] == 2
    responses = Response.objects.filter(learner__username__startswith=f"{world.school.code}-multi-")
    assert responses.count() == 4
    # the file's items become hidden items, q1 and q3 on both skills
    items = {r.item.prompt: r.item for r in responses.select_related("item")}
    assert len(items) == 3
    skills_of = {
        prompt.rsplit(" ", 1)[-1]: sorted(c.code for c in item.competencies.all())
        for prompt, item in items.items()
    }
    assert skills_of == {"q1": ["s1", "s2"], "q2": ["s2"], "q3": ["s1", "s2"]}
    run(str(path), "--format", "answers", "--class", world.class_a.name)
    assert responses.count() == 4


def test_a_file_without_items_gets_one_hidden_item_per_skill_set(world, tmp_path):
    path = tmp_path / "noitems.csv"
    # DKT names no items: skills 1 and 2 on their own and never together
    path.write_text("3\n1,2,1\n1,0,1\n")
    run(str(path), "--format", "dkt", "--class", world.class_a.name)
    items = {
        r.item_id
        for r in Response.objects.filter(
            learner__username__startswith=f"{world.school.code}-noitems-"
        )
    }
    assert len(items) == 2

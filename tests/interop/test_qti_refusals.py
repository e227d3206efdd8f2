"""QTI 3.0 packages that are refused: each bad package names what is wrong
(file, line, element) and nothing is written; several problems are all
listed; the zip limits and the XML defences hold."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.curriculum.factories import leaf, make_framework
from tests.interop.qti_packages import (
    CHOICE_ITEM,
    HOTSPOT_ITEM,
    item_xml,
    make_zip,
    manifest_xml,
    package,
)
from trellis.curriculum.models import Item
from trellis.curriculum.models import item as kinds
from trellis.interop import zips
from trellis.interop.qti import QtiRefused, errors, import_items, reader

pytestmark = pytest.mark.django_db


@pytest.fixture
def competency(world):
    return leaf(make_framework(world.school), "A.1")


def refused(world, source, **kwargs) -> list[errors.Problem]:
    with pytest.raises(QtiRefused) as caught:
        import_items(source, school=world.school, **kwargs)
    assert not Item.objects.exists()
    return caught.value.problems


def line_of(text: str, needle: str) -> int:
    """The 1-based line of ``text`` on which ``needle`` first appears."""
    return text[: text.index(needle)].count("\n") + 1


def test_a_good_package_imports(world, competency):
    created = import_items(package(competency), school=world.school, user=world.teacher)
    item = created[0]
    assert item.school == world.school and item.created_by == world.teacher
    assert item.options == [
        {"text": "3", "correct": False, "removable": False},
        {"text": "4", "correct": True, "removable": False},
    ]
    assert item.prompt == "Which is even?"
    assert list(item.competencies.all()) == [competency]


def test_not_a_zip(world):
    problems = refused(world, io.BytesIO(b"this is not a zip"))
    assert len(problems) == 1 and problems[0].file == "(zip)"
    assert problems[0].message.startswith("The upload is not a readable zip archive")


def test_missing_manifest(world):
    problems = refused(world, make_zip({"items/q1.xml": item_xml()}))
    assert [p.message for p in problems] == [errors.MISSING_MANIFEST]


def test_manifest_refers_to_a_missing_file(world, competency):
    source = package(competency)
    manifest = manifest_xml(
        [
            {
                "identifier": "r0",
                "href": "items/q1.xml",
                "framework": competency.framework.identifier,
                "competency": competency.identifier,
            },
            {
                "identifier": "gone",
                "href": "items/gone.xml",
                "framework": competency.framework.identifier,
                "competency": competency.identifier,
            },
        ]
    )
    source = make_zip({"imsmanifest.xml": manifest, "items/q1.xml": item_xml()})
    problems = refused(world, source)
    expected = errors.RESOURCE_FILE_MISSING.format(identifier="'gone'", href="'items/gone.xml'")
    assert [(p.file, p.line, p.element, p.message) for p in problems] == [
        ("imsmanifest.xml", line_of(manifest, 'identifier="gone"'), "resource", expected)
    ]


def test_malformed_xml_names_its_line(world, competency):
    broken = item_xml().replace("<qti-prompt>Which is even?</qti-prompt>", "<qti-prompt>Which")
    problems = refused(world, package(competency, {"items/q1.xml": broken}))
    assert len(problems) == 1
    assert problems[0].file == "items/q1.xml"
    assert problems[0].message.startswith("The XML is not well formed")
    # libxml2 notices the mismatch where the interaction closes
    assert problems[0].line == line_of(broken, "</qti-choice-interaction>")


def test_an_unknown_interaction_is_listed_not_dropped(world, competency):
    hotspot = item_xml(HOTSPOT_ITEM)
    source = package(competency, {"items/q1.xml": item_xml(), "items/q2.xml": hotspot})
    problems = refused(world, source)
    expected = errors.UNKNOWN_INTERACTION.format(element="qti-hotspot-interaction")
    assert [(p.file, p.line, p.element, p.message) for p in problems] == [
        (
            "items/q2.xml",
            line_of(hotspot, "<qti-hotspot-interaction"),
            "qti-hotspot-interaction",
            expected,
        )
    ]


def test_an_unknown_competency_is_a_problem(world, other_world, competency):
    elsewhere = leaf(make_framework(other_world.school), "A.1")
    source = package(elsewhere)
    problems = refused(world, source)
    expected = errors.COMPETENCY_UNKNOWN.format(
        identifier=repr(elsewhere.identifier), framework=repr(elsewhere.framework.identifier)
    )
    assert [(p.file, p.element, p.message) for p in problems] == [
        ("imsmanifest.xml", "taxon", expected)
    ]
    assert problems[0].line > 0


def test_every_problem_is_listed_and_nothing_is_written(world, competency):
    # a single-cardinality response with max-choices 2 contradicts itself
    contradictory = item_xml().replace('max-choices="1"', 'max-choices="2"')
    two_correct = item_xml().replace("<qti-value>B</qti-value>", "<qti-value>Z</qti-value>")
    source = package(
        competency,
        {
            "items/good.xml": item_xml(),
            "items/contradictory.xml": contradictory,
            "items/wrong.xml": two_correct,
        },
    )
    problems = refused(world, source)
    assert {p.file for p in problems} == {"items/contradictory.xml", "items/wrong.xml"}
    messages = {p.file: p.message for p in problems}
    assert messages["items/wrong.xml"] == errors.CHOICE_BAD_CORRECT.format(count=1, values="'Z'")
    assert messages["items/contradictory.xml"] == errors.SINGLE_MAX_CHOICES.format(count="2")


def multiple_xml(values: tuple[str, ...] = ("A", "C"), max_choices: str = "0") -> str:
    """Choose all that apply: A and C of four choices are correct."""
    correct = "".join(f"<qti-value>{v}</qti-value>" for v in values)
    return (
        item_xml()
        .replace('cardinality="single"', 'cardinality="multiple"')
        .replace("<qti-value>B</qti-value>", correct)
        .replace('max-choices="1"', f'max-choices="{max_choices}"')
        .replace(
            '<qti-simple-choice identifier="B">4</qti-simple-choice>',
            '<qti-simple-choice identifier="B">3</qti-simple-choice>'
            '<qti-simple-choice identifier="C">4</qti-simple-choice>'
            '<qti-simple-choice identifier="D" data-trellis-removable="true">5</qti-simple-choice>',
        )
        .replace('identifier="A">3<', 'identifier="A">2<')
    )


@pytest.mark.parametrize("max_choices", ["0", "2", "4"])
def test_a_multiple_response_choice_is_imported_as_choose_all_that_apply(
    world, competency, max_choices
):
    source = package(competency, {"items/q1.xml": multiple_xml(max_choices=max_choices)})
    (item,) = import_items(source, school=world.school, user=world.teacher)
    assert item.kind == kinds.MULTIPLE_RESPONSE
    assert item.options == [
        {"text": "2", "correct": True, "removable": False},
        {"text": "3", "correct": False, "removable": False},
        {"text": "4", "correct": True, "removable": False},
        {"text": "5", "correct": False, "removable": True},
    ]


@pytest.mark.parametrize(
    ("values", "max_choices", "expected"),
    [
        ((), "0", errors.MULTIPLE_BAD_CORRECT.format(values="—")),
        (("A", "Z"), "0", errors.MULTIPLE_BAD_CORRECT.format(values="'A', 'Z'")),
        (("A", "A"), "0", errors.MULTIPLE_BAD_CORRECT.format(values="'A', 'A'")),
        (("A", "C"), "1", errors.MAX_CHOICES_BAD.format(value="'1'", count=2)),
        (("A", "C"), "many", errors.MAX_CHOICES_BAD.format(value="'many'", count=2)),
    ],
)
def test_a_bad_multiple_response_choice_is_refused_with_its_reason(
    world, competency, values, max_choices, expected
):
    source = package(competency, {"items/q1.xml": multiple_xml(values, max_choices)})
    problems = refused(world, source)
    assert [p.message for p in problems] == [expected]
    assert problems[0].file == "items/q1.xml" and problems[0].line > 0


def test_an_ordered_response_is_not_read_as_a_choice(world, competency):
    ordered = multiple_xml().replace('cardinality="multiple"', 'cardinality="ordered"')
    problems = refused(world, package(competency, {"items/q1.xml": ordered}))
    assert [p.message for p in problems] == [errors.BAD_CARDINALITY.format(cardinality="'ordered'")]


def test_too_big_a_package_is_refused(world, competency):
    problems = refused(world, package(competency), max_total_bytes=1000)
    assert [p.message for p in problems] == [errors.TOO_LARGE.format(limit="1000 bytes")]


def test_a_zip_bomb_stops_at_the_budget(world, competency):
    # 65 MB of spaces compresses to a few tens of kilobytes
    bomb = item_xml().replace("Which is even?", "Which is even?" + " " * (65 * 1024 * 1024))
    source = package(competency, {"items/q1.xml": bomb})
    assert len(source.getvalue()) < 1024 * 1024
    problems = refused(world, source)
    assert [p.message for p in problems] == [
        errors.TOO_LARGE.format(limit=zips.megabytes(reader.MAX_TOTAL_BYTES))
    ]


@pytest.mark.parametrize("name", ["../evil.xml", "/etc/evil.xml", "C:/evil.xml"])
def test_path_traversal_is_refused(world, competency, name):
    source = package(competency, **{name: "<x/>"})
    problems = refused(world, source)
    assert [p.message for p in problems] == [errors.ENTRY_UNSAFE_PATH.format(name=repr(name))]


def test_too_many_entries(world, competency, monkeypatch):
    monkeypatch.setattr(reader, "MAX_ENTRIES", 3)
    files = {f"extra/{n}.txt": "x" for n in range(3)}
    problems = refused(world, package(competency, **files))
    assert [p.message for p in problems] == [errors.TOO_MANY_ENTRIES.format(count=5, limit=3)]


def test_entities_and_dtds_are_refused(world, competency):
    laughs = (
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n'
    )
    external = '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    body = CHOICE_ITEM.split("\n", 1)[1]
    for head, entity in ((laughs, "&lol2;"), (external, "&xxe;")):
        text = (head + body.replace("Which is even?", entity)).format(
            qti=reader.spec.QTI_NS, template="x"
        )
        problems = refused(world, package(competency, {"items/q1.xml": text}))
        assert [(p.file, p.line, p.message) for p in problems] == [
            ("items/q1.xml", 1, errors.DTD_REFUSED)
        ]
        assert "passwd" not in problems[0].message and "lollol" not in problems[0].message


def test_qti_2_items_are_not_read_silently(world, competency):
    manifest = manifest_xml(
        [
            {
                "identifier": "old",
                "type": "imsqti_item_xmlv2p1",
                "href": "old.xml",
                "framework": competency.framework.identifier,
                "competency": competency.identifier,
            }
        ]
    )
    problems = refused(world, make_zip({"imsmanifest.xml": manifest, "old.xml": "<x/>"}))
    assert problems[0].message == errors.UNKNOWN_RESOURCE_TYPE.format(
        identifier="'old'", type="'imsqti_item_xmlv2p1'", expected="imsqti_item_xmlv3p0"
    )


def test_an_item_without_competency_is_refused(world, competency):
    manifest = manifest_xml([]).replace(
        "<resources>",
        '<resources><resource identifier="bare" type="imsqti_item_xmlv3p0" href="q.xml">'
        '<file href="q.xml"/></resource>',
    )
    problems = refused(world, make_zip({"imsmanifest.xml": manifest, "q.xml": item_xml()}))
    assert [p.message for p in problems] == [errors.NO_COMPETENCY.format(identifier="'bare'")]


def test_the_zip_limit_helper_is_shared_with_oneroster():
    from trellis.interop.oneroster import reader as roster_reader

    assert roster_reader._unsafe_name("../x") and not roster_reader._unsafe_name("a/b.csv")
    assert zips.unsafe_name("..\\x") and zips.unsafe_name("D:x")
    with zipfile.ZipFile(io.BytesIO(), "w"):
        pass


def test_problems_come_out_in_the_readers_language(world):
    from django.utils import translation

    with translation.override("es"):
        problems = refused(world, make_zip({"items/q1.xml": item_xml()}))
    assert [p.message for p in problems] == [
        "El zip no tiene imsmanifest.xml en su nivel superior."
    ]


FOREIGN_NUMERIC = """<?xml version="1.0" encoding="UTF-8"?>
<qti-assessment-item xmlns="{qti}" identifier="n1" title="n1" adaptive="false" time-dependent="false">
  <qti-response-declaration identifier="ANSWER" cardinality="single" base-type="integer">
    <qti-correct-response><qti-value>12</qti-value></qti-correct-response>
  </qti-response-declaration>
  <qti-outcome-declaration identifier="SCORE" cardinality="single" base-type="float"/>
  <qti-item-body>
    <div>
      <p>A box holds
         three rows of four eggs.</p>
      <p>How many eggs? <qti-text-entry-interaction response-identifier="ANSWER"/></p>
    </div>
    <qti-feedback-block outcome-identifier="FEEDBACK" identifier="x" show-hide="show">
      <p>Not part of the question.</p>
    </qti-feedback-block>
  </qti-item-body>
  <qti-response-processing template="{template}"/>
</qti-assessment-item>
"""

FOREIGN_ESSAY = """<?xml version="1.0" encoding="UTF-8"?>
<qti-assessment-item xmlns="{qti}" identifier="e1" title="e1" adaptive="false" time-dependent="false">
  <qti-response-declaration identifier="RESPONSE" cardinality="single" base-type="string"/>
  <qti-item-body>
    <qti-rubric-block use="scoring" view="scorer tutor">
      <qti-content-body>
        <p>Clarity</p>
        <ol><li>unclear</li><li>clear</li><li>very  clear</li></ol>
      </qti-content-body>
    </qti-rubric-block>
    <qti-rubric-block use="instructions" view="candidate">
      <qti-content-body><p>Write at least three sentences.</p></qti-content-body>
    </qti-rubric-block>
    <qti-extended-text-interaction response-identifier="RESPONSE">
      <qti-prompt>Explain why<br/>ratios matter.</qti-prompt>
    </qti-extended-text-interaction>
  </qti-item-body>
</qti-assessment-item>
"""


def test_items_written_by_other_tools_are_read_as_html_reads_them(world, competency):
    source = package(
        competency,
        {"n.xml": item_xml(FOREIGN_NUMERIC), "e.xml": item_xml(FOREIGN_ESSAY)},
    )
    numeric, essay = import_items(source, school=world.school)
    assert (numeric.kind, numeric.numeric_answer, numeric.numeric_tolerance) == ("numeric", 12, 0)
    assert numeric.prompt == "A box holds three rows of four eggs.\nHow many eggs?"
    assert essay.kind == "rubric"
    assert essay.prompt == "Explain why\nratios matter."
    # only the scorer's rubric is the rubric; the candidate's instructions are not
    assert essay.rubric == [{"name": "Clarity", "levels": ["unclear", "clear", "very clear"]}]

"""Writing a school's items as a QTI 3.0 package: one
``qti-assessment-item`` file per item under ``items/`` and an
``imsmanifest.xml`` listing them, each resource carrying the item's
competencies as LOM classification metadata (purpose ``competency``, the
framework's CASE identifier as the taxon path's source and the
competency's CASE identifier as the taxon's id), so that a package imports
back to the same items and links."""

from __future__ import annotations

import zipfile
from typing import TYPE_CHECKING, BinaryIO

from lxml import etree

from trellis.curriculum import kinds
from trellis.curriculum.selectors import items_in_bank
from trellis.interop.qti import spec
from trellis.interop.qti.spec import cp, lom, qti

if TYPE_CHECKING:
    from trellis.people.models import School

if TYPE_CHECKING:
    from trellis.curriculum.models import Framework, Item

#: How a numeric value is written: repr keeps every digit a float holds.
_FLOAT = repr


def items_for_export(*, school: School, framework: Framework | None = None):
    """The school's active items (those linked to ``framework`` when given),
    with their competencies and frameworks in two more queries."""
    return items_in_bank(school, framework)


def item_identifier(item: Item) -> str:
    return f"trellis-item-{item.pk}"


def _lines(parent: etree._Element, text: str) -> None:
    """``text`` inside ``parent`` with each line break as a ``br``."""
    lines = text.split("\n")
    parent.text = lines[0]
    for line in lines[1:]:
        br = etree.SubElement(parent, qti("br"))
        br.tail = line


def _declare_score(root: etree._Element, maximum: float) -> None:
    outcome = etree.SubElement(
        root,
        qti("qti-outcome-declaration"),
        identifier=spec.SCORE,
        cardinality="single",
        **{"base-type": "float", "normal-maximum": _FLOAT(float(maximum))},
    )
    default = etree.SubElement(outcome, qti("qti-default-value"))
    etree.SubElement(default, qti("qti-value")).text = "0"


def _response(
    root: etree._Element, base_type: str, correct: list[str], cardinality: str = "single"
) -> etree._Element:
    declaration = etree.SubElement(
        root,
        qti("qti-response-declaration"),
        identifier=spec.RESPONSE,
        cardinality=cardinality,
        **{"base-type": base_type},
    )
    if correct:
        values = etree.SubElement(declaration, qti("qti-correct-response"))
        for value in correct:
            etree.SubElement(values, qti("qti-value")).text = value
    return declaration


def _tolerance_processing(root: etree._Element, tolerance: float) -> None:
    """Right when the response is within ``tolerance`` of the correct value
    (qti-equal with an absolute tolerance; no standard template does this)."""
    processing = etree.SubElement(root, qti("qti-response-processing"))
    condition = etree.SubElement(processing, qti("qti-response-condition"))
    when = etree.SubElement(condition, qti("qti-response-if"))
    bound = f"{_FLOAT(tolerance)} {_FLOAT(tolerance)}"
    equal = etree.SubElement(
        when, qti("qti-equal"), **{"tolerance-mode": "absolute", "tolerance": bound}
    )
    etree.SubElement(equal, qti("qti-variable"), identifier=spec.RESPONSE)
    etree.SubElement(equal, qti("qti-correct"), identifier=spec.RESPONSE)
    for branch, points in (
        (when, "1"),
        (etree.SubElement(condition, qti("qti-response-else")), "0"),
    ):
        outcome = etree.SubElement(branch, qti("qti-set-outcome-value"), identifier=spec.SCORE)
        etree.SubElement(outcome, qti("qti-base-value"), **{"base-type": "float"}).text = points


def item_document(item: Item) -> etree._Element:
    """One item as a ``qti-assessment-item`` element."""
    root = etree.Element(
        qti("qti-assessment-item"),
        nsmap={None: spec.QTI_NS, "xsi": spec.XSI_NS},
        identifier=item_identifier(item),
        title=" ".join(item.prompt.split())[:80],
        adaptive="false",
        **{"time-dependent": "false"},
    )
    root.set(f"{{{spec.XSI_NS}}}schemaLocation", f"{spec.QTI_NS} {spec.QTI_SCHEMA}")
    template = ""
    if item.kind in kinds.WITH_OPTIONS:
        # Choose all that apply: a multiple response with every correct
        # option; max-choices 0 (any number), as Trellis sets no limit.
        single = item.kind == kinds.CHOICE
        correct = [f"choice-{n}" for n, o in enumerate(item.options, 1) if o.get("correct")]
        _response(root, "identifier", correct, "single" if single else "multiple")
        _declare_score(root, 1)
        body = etree.SubElement(root, qti("qti-item-body"))
        interaction = etree.SubElement(
            body,
            qti(spec.CHOICE),
            **{
                "response-identifier": spec.RESPONSE,
                "max-choices": "1" if single else "0",
                "shuffle": "false",
            },
        )
        _lines(etree.SubElement(interaction, qti("qti-prompt")), item.prompt)
        for n, option in enumerate(item.options, 1):
            choice = etree.SubElement(
                interaction, qti("qti-simple-choice"), identifier=f"choice-{n}"
            )
            if option.get("removable"):
                choice.set(spec.REMOVABLE_ATTRIBUTE, "true")
            choice.text = option.get("text", "")
        template = spec.MATCH_CORRECT
    elif item.kind in (kinds.NUMERIC, kinds.TEXT):
        if item.kind == kinds.NUMERIC:
            _response(root, "float", [_FLOAT(float(item.numeric_answer or 0))])
        else:
            declaration = _response(root, "string", list(item.accepted_answers[:1]))
            mapping = etree.SubElement(
                declaration,
                qti("qti-mapping"),
                **{"default-value": "0", "lower-bound": "0", "upper-bound": "1"},
            )
            for answer in item.accepted_answers:
                etree.SubElement(
                    mapping,
                    qti("qti-map-entry"),
                    **{"map-key": answer, "mapped-value": "1", "case-sensitive": "false"},
                )
        _declare_score(root, 1)
        body = etree.SubElement(root, qti("qti-item-body"))
        _lines(etree.SubElement(body, qti("p")), item.prompt)
        holder = etree.SubElement(body, qti("p"))
        etree.SubElement(holder, qti(spec.TEXT_ENTRY), **{"response-identifier": spec.RESPONSE})
        tolerance = float(item.numeric_tolerance or 0)
        if item.kind == kinds.NUMERIC and tolerance > 0:
            _tolerance_processing(root, tolerance)
        else:
            template = spec.MATCH_CORRECT if item.kind == kinds.NUMERIC else spec.MAP_RESPONSE
    else:  # a performance task scored by a person against its rubric
        _response(root, "string", [])
        _declare_score(root, item.rubric_max)
        body = etree.SubElement(root, qti("qti-item-body"))
        for criterion in item.rubric:
            block = etree.SubElement(body, qti("qti-rubric-block"), use="scoring", view="scorer")
            content = etree.SubElement(block, qti("qti-content-body"))
            etree.SubElement(content, qti("p")).text = criterion["name"]
            levels = etree.SubElement(content, qti("ol"), start="0")
            for level in criterion["levels"]:
                etree.SubElement(levels, qti("li")).text = level
        interaction = etree.SubElement(
            body, qti(spec.EXTENDED_TEXT), **{"response-identifier": spec.RESPONSE}
        )
        _lines(etree.SubElement(interaction, qti("qti-prompt")), item.prompt)
    if template:
        etree.SubElement(root, qti("qti-response-processing"), template=template)
    return root


def _langstring(parent: etree._Element, tag: str, text: str) -> None:
    etree.SubElement(etree.SubElement(parent, lom(tag)), lom("string")).text = text


def _competency_metadata(resource: etree._Element, item: Item) -> None:
    metadata = etree.SubElement(resource, cp("metadata"))
    record = etree.SubElement(metadata, lom("lom"))
    classification = etree.SubElement(record, lom("classification"))
    purpose = etree.SubElement(classification, lom("purpose"))
    etree.SubElement(purpose, lom("source")).text = spec.LOM_VOCABULARY
    etree.SubElement(purpose, lom("value")).text = spec.COMPETENCY_PURPOSE
    by_framework: dict[int, list] = {}
    for competency in sorted(item.competencies.all(), key=lambda c: c.pk):
        by_framework.setdefault(competency.framework_id, []).append(competency)
    for competencies in by_framework.values():
        path = etree.SubElement(classification, lom("taxonPath"))
        _langstring(path, "source", competencies[0].framework.identifier)
        for competency in competencies:
            taxon = etree.SubElement(path, lom("taxon"))
            etree.SubElement(taxon, lom("id")).text = competency.identifier
            _langstring(taxon, "entry", str(competency))


def manifest_document(items: list[Item], *, title: str) -> etree._Element:
    root = etree.Element(
        cp("manifest"),
        nsmap={None: spec.CP_NS, "lom": spec.LOM_NS},
        identifier="trellis-qti-export",
    )
    metadata = etree.SubElement(root, cp("metadata"))
    etree.SubElement(metadata, cp("schema")).text = "QTI Package"
    etree.SubElement(metadata, cp("schemaversion")).text = "3.0.0"
    record = etree.SubElement(metadata, lom("lom"))
    _langstring(etree.SubElement(record, lom("general")), "title", title)
    etree.SubElement(root, cp("organizations"))
    resources = etree.SubElement(root, cp("resources"))
    for item in items:
        href = f"items/{item_identifier(item)}.xml"
        resource = etree.SubElement(
            resources,
            cp("resource"),
            identifier=item_identifier(item),
            type=spec.ITEM_RESOURCE_TYPE,
            href=href,
        )
        _competency_metadata(resource, item)
        etree.SubElement(resource, cp("file"), href=href)
    return root


def _bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def export_items(out: BinaryIO, *, school: School, framework: Framework | None = None) -> int:
    """Write the package to ``out``; the number of items written."""
    items = list(items_for_export(school=school, framework=framework))
    title = school.name if framework is None else f"{school.name}: {framework.title}"
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(spec.MANIFEST_FILE, _bytes(manifest_document(items, title=title)))
        for item in items:
            archive.writestr(f"items/{item_identifier(item)}.xml", _bytes(item_document(item)))
    return len(items)

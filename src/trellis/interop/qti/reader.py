"""Reading a QTI 3.0 package into drafts of Trellis items, listing every
problem with its file, line and element instead of stopping at the first.

The zip is read within limits (``trellis.interop.zips``). Every XML file is
parsed by lxml with entity resolution, DTD loading, network access and huge
trees switched off, and a document that declares a DTD is refused outright,
so entity expansion ("billion laughs") and external entities cannot happen.
Nothing here writes to the database; ``trellis.interop.qti.import_items``
resolves competencies and creates the items."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import BinaryIO

from lxml import etree

from trellis.curriculum import kinds
from trellis.interop import zips
from trellis.interop.qti import errors, spec
from trellis.interop.qti.errors import Problem, problem
from trellis.interop.qti.spec import cp, lom, qti

#: A package holds one file per item plus the manifest (and perhaps media).
MAX_ENTRIES = 5000
MAX_NAME_LENGTH = 255
MAX_TOTAL_BYTES = 64 * 1024 * 1024

_BLOCK = "\x00"
_BREAK = "\x01"


@dataclass(frozen=True)
class CompetencyRef:
    """A competency named in the manifest: the framework's CASE identifier
    (the taxon path's source; may be empty) and the competency's."""

    framework: str
    identifier: str
    line: int


@dataclass
class ItemDraft:
    file: str
    identifier: str
    kind: str = ""
    prompt: str = ""
    options: list[dict] = field(default_factory=list)
    numeric_answer: float | None = None
    numeric_tolerance: float = 0.0
    accepted_answers: list[str] = field(default_factory=list)
    rubric: list[dict] = field(default_factory=list)
    competencies: list[CompetencyRef] = field(default_factory=list)
    manifest_line: int = 0


@dataclass
class Package:
    items: list[ItemDraft] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_xml(name: str, raw: bytes, problems: list[Problem]) -> etree._Element | None:
    """The document's root, or ``None`` with the problem listed (the line
    libxml2 reports for malformed XML)."""
    try:
        tree = etree.ElementTree(etree.fromstring(raw, _parser()))
    except etree.XMLSyntaxError as exc:
        # libxml2's own words; the line is the problem's, not repeated in them
        last = exc.error_log.last_error if exc.error_log else None
        error = last.message.strip() if last is not None and last.message else exc.msg
        problems.append(problem(name, exc.lineno, "", errors.MALFORMED_XML, error=error))
        return None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        problems.append(problem(name, 1, "", errors.DTD_REFUSED))
        return None
    return tree.getroot()


def local(element: etree._Element) -> str:
    """An element's name without its namespace."""
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _flat(text: str) -> str:
    return " ".join(text.split())


def prose(element: etree._Element) -> str:
    """The text a person reads in ``element``: HTML whitespace collapsed,
    ``br`` and block elements as line breaks, interactions, rubrics and
    feedback left out."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        name = local(node)
        if name in spec.NOT_PROMPT:
            return
        if name == "br":
            parts.append(_BREAK)
            return
        block = name in spec.BLOCKS
        if block:
            parts.append(_BLOCK)
        parts.append(node.text or "")
        for child in node:
            walk(child)
            parts.append(child.tail or "")
        if block:
            parts.append(_BLOCK)

    walk(element)
    paragraphs = []
    for segment in "".join(parts).split(_BLOCK):
        if not segment.strip() and _BREAK not in segment:
            continue
        paragraphs.append("\n".join(_flat(line) for line in segment.split(_BREAK)))
    return "\n".join(paragraphs).strip("\n")


def read_package(source: str | BinaryIO, *, max_total_bytes: int | None = None) -> Package:
    """Read and check a QTI package given as a path or a binary file."""
    package = Package()
    budget = MAX_TOTAL_BYTES if max_total_bytes is None else max_total_bytes
    try:
        with zips.open_zip(source) as archive:
            _read_archive(package, archive, budget)
    except zipfile.BadZipFile as exc:
        package.problems.append(problem("(zip)", 0, "", errors.NOT_A_ZIP, error=exc))
    except zips.TooLarge:
        package.items.clear()
        package.problems.append(
            problem("(zip)", 0, "", errors.TOO_LARGE, limit=zips.megabytes(budget))
        )
    except zips.Unreadable as exc:
        package.items.clear()
        package.problems.append(problem("(zip)", 0, "", errors.NOT_A_ZIP, error=exc))
    return package


def _normal(name: str) -> str:
    return str(PurePosixPath(name.replace("\\", "/")))


def _read_archive(package: Package, archive: zipfile.ZipFile, budget: int) -> None:
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        package.problems.append(
            problem("(zip)", 0, "", errors.TOO_MANY_ENTRIES, count=len(infos), limit=MAX_ENTRIES)
        )
        return
    entries: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        name = info.filename
        if len(name) > MAX_NAME_LENGTH:
            package.problems.append(
                problem(
                    "(zip)",
                    0,
                    "",
                    errors.ENTRY_NAME_TOO_LONG,
                    name=repr(name[:60] + "…"),
                    length=len(name),
                    limit=MAX_NAME_LENGTH,
                )
            )
            continue
        if zips.unsafe_name(name):
            package.problems.append(
                problem("(zip)", 0, "", errors.ENTRY_UNSAFE_PATH, name=repr(name))
            )
            continue
        if not info.is_dir():
            entries[_normal(name)] = info
    if package.problems:
        return
    reader = zips.BoundedReader(archive, budget)
    manifest_info = entries.get(spec.MANIFEST_FILE)
    if manifest_info is None:
        package.problems.append(problem("(zip)", 0, "", errors.MISSING_MANIFEST))
        return
    manifest = parse_xml(spec.MANIFEST_FILE, reader.read(manifest_info), package.problems)
    if manifest is None:
        return
    if manifest.tag != cp("manifest"):
        package.problems.append(
            problem(
                spec.MANIFEST_FILE,
                manifest.sourceline,
                local(manifest),
                errors.WRONG_ROOT,
                found=manifest.tag,
                expected=cp("manifest"),
            )
        )
        return
    resources = manifest.findall(f"{cp('resources')}/{cp('resource')}")
    found_items = False
    for resource in resources:
        identifier = resource.get("identifier", "")
        kind = resource.get("type", "")
        line = resource.sourceline
        if kind != spec.ITEM_RESOURCE_TYPE:
            if kind.startswith("imsqti_"):
                package.problems.append(
                    problem(
                        spec.MANIFEST_FILE,
                        line,
                        "resource",
                        errors.UNKNOWN_RESOURCE_TYPE,
                        identifier=repr(identifier),
                        type=repr(kind),
                        expected=spec.ITEM_RESOURCE_TYPE,
                    )
                )
            continue
        found_items = True
        href = resource.get("href", "")
        if not href:
            package.problems.append(
                problem(
                    spec.MANIFEST_FILE,
                    line,
                    "resource",
                    errors.RESOURCE_NO_HREF,
                    identifier=repr(identifier),
                )
            )
            continue
        if zips.unsafe_name(href):
            package.problems.append(
                problem(
                    spec.MANIFEST_FILE,
                    line,
                    "resource",
                    errors.RESOURCE_UNSAFE_HREF,
                    identifier=repr(identifier),
                    href=repr(href),
                )
            )
            continue
        info = entries.get(_normal(href))
        if info is None:
            package.problems.append(
                problem(
                    spec.MANIFEST_FILE,
                    line,
                    "resource",
                    errors.RESOURCE_FILE_MISSING,
                    identifier=repr(identifier),
                    href=repr(href),
                )
            )
            continue
        draft = ItemDraft(file=_normal(href), identifier=identifier, manifest_line=line or 0)
        draft.competencies = _competencies(resource)
        root = parse_xml(draft.file, reader.read(info), package.problems)
        if root is not None and _read_item(draft, root, package.problems):
            package.items.append(draft)
    if not found_items and not package.problems:
        package.problems.append(
            problem(
                spec.MANIFEST_FILE,
                manifest.sourceline,
                "manifest",
                errors.NO_ITEMS,
                type=spec.ITEM_RESOURCE_TYPE,
            )
        )


def _langstring(element: etree._Element | None) -> str:
    if element is None:
        return ""
    strings = element.findall(lom("string"))
    return _flat(strings[0].text or "") if strings else _flat(element.text or "")


def _competencies(resource: etree._Element) -> list[CompetencyRef]:
    """The competencies in the resource's LOM classification of purpose
    ``competency``."""
    refs: list[CompetencyRef] = []
    for classification in resource.iter(lom("classification")):
        purpose = classification.find(f"{lom('purpose')}/{lom('value')}")
        if purpose is None or _flat(purpose.text or "") != spec.COMPETENCY_PURPOSE:
            continue
        for path in classification.findall(lom("taxonPath")):
            framework = _langstring(path.find(lom("source")))
            for taxon in path.findall(lom("taxon")):
                identifier = _flat(taxon.findtext(lom("id")) or "")
                if identifier:
                    refs.append(CompetencyRef(framework, identifier, taxon.sourceline or 0))
    return refs


def _read_item(draft: ItemDraft, root: etree._Element, problems: list[Problem]) -> bool:
    """Fill ``draft`` from one item document; False (with problems listed)
    when it cannot become a Trellis item."""
    before = len(problems)

    def refuse(node: etree._Element | None, template: str, /, **values: object) -> None:
        line = node.sourceline if node is not None else 0
        name = local(node) if node is not None else ""
        problems.append(problem(draft.file, line, name, template, **values))

    if root.tag != qti("qti-assessment-item"):
        refuse(root, errors.WRONG_ROOT, found=root.tag, expected=qti("qti-assessment-item"))
        return False
    body = root.find(qti("qti-item-body"))
    if body is None:
        refuse(root, errors.NO_INTERACTION)
        return False
    interactions = []
    for element in body.iter():
        name = local(element)
        if name in spec.KNOWN_INTERACTIONS and element.tag == qti(name):
            interactions.append(element)
        elif name.endswith("-interaction") or name.endswith("Interaction"):
            refuse(element, errors.UNKNOWN_INTERACTION, element=name)
    if len(problems) > before:
        return False
    if not interactions:
        refuse(body, errors.NO_INTERACTION)
        return False
    if len(interactions) > 1:
        refuse(interactions[1], errors.SEVERAL_INTERACTIONS, count=len(interactions))
        return False
    interaction = interactions[0]
    response_id = interaction.get("response-identifier", "")
    declaration = None
    for candidate in root.findall(qti("qti-response-declaration")):
        if candidate.get("identifier") == response_id:
            declaration = candidate
    if declaration is None:
        refuse(interaction, errors.NO_RESPONSE_DECLARATION, identifier=repr(response_id))
        return False
    correct = [
        (value.text or "").strip()
        for value in declaration.findall(f"{qti('qti-correct-response')}/{qti('qti-value')}")
    ]
    base_type = declaration.get("base-type", "")
    name = local(interaction)
    prompt_element = interaction.find(qti("qti-prompt"))
    prompt = prose(prompt_element) if prompt_element is not None else ""
    if not prompt:
        prompt = prose(body)

    def expect_base(*allowed: str) -> bool:
        if base_type in allowed:
            return True
        refuse(
            declaration,
            errors.BAD_BASE_TYPE,
            found=repr(base_type),
            interaction=name,
            expected=" / ".join(allowed),
        )
        return False

    if name == spec.CHOICE:
        draft.kind = kinds.CHOICE  # or multiple response, by the cardinality
        _read_choice(draft, interaction, declaration, correct, refuse, expect_base)
    elif name == spec.TEXT_ENTRY:
        if base_type in ("float", "integer"):
            draft.kind = kinds.NUMERIC
            _read_numeric(draft, root, declaration, correct, refuse)
        elif expect_base("string", "float", "integer"):
            draft.kind = kinds.TEXT
            _read_text(draft, declaration, correct, refuse)
    else:
        draft.kind = kinds.RUBRIC
        _read_rubric(draft, body, refuse)
    if not prompt:
        refuse(body, errors.EMPTY_PROMPT)
    draft.prompt = prompt
    return len(problems) == before


def _read_choice(draft, interaction, declaration, correct, refuse, expect_base) -> None:
    """Cardinality single is a multiple-choice item (one option chosen);
    cardinality multiple a multiple-response item (choose all that apply),
    whose correct response names every correct option."""
    cardinality = declaration.get("cardinality", "single")
    max_choices = interaction.get("max-choices", "1")
    if cardinality not in ("single", "multiple"):
        refuse(declaration, errors.BAD_CARDINALITY, cardinality=repr(cardinality))
        return
    single = cardinality == "single"
    if single and max_choices != "1":
        refuse(
            interaction,
            errors.SINGLE_MAX_CHOICES,
            count=max_choices if max_choices != "0" else "any number of",
        )
        return
    if not expect_base("identifier"):
        return
    draft.kind = kinds.CHOICE if single else kinds.MULTIPLE_RESPONSE
    choices = interaction.findall(qti("qti-simple-choice"))
    if len(choices) < 2:
        refuse(interaction, errors.TOO_FEW_CHOICES, count=len(choices))
    identifiers = [choice.get("identifier", "") for choice in choices]
    values = ", ".join(repr(v) for v in correct) or "—"
    if single and (len(correct) != 1 or correct[0] not in identifiers):
        refuse(declaration, errors.CHOICE_BAD_CORRECT, count=len(correct), values=values)
    if not single:
        if (
            not correct
            or len(set(correct)) != len(correct)
            or any(v not in identifiers for v in correct)
        ):
            refuse(declaration, errors.MULTIPLE_BAD_CORRECT, values=values)
        if not max_choices.isdigit() or 0 < int(max_choices) < len(correct):
            refuse(interaction, errors.MAX_CHOICES_BAD, value=repr(max_choices), count=len(correct))
    for choice in choices:
        text = prose(choice)
        identifier = choice.get("identifier", "")
        removable = choice.get(spec.REMOVABLE_ATTRIBUTE, "").lower() == "true"
        is_correct = identifier in correct[: 1 if single else None]
        if not text:
            refuse(choice, errors.EMPTY_CHOICE, identifier=repr(identifier))
        if is_correct and removable:
            refuse(choice, errors.CORRECT_REMOVABLE, identifier=repr(identifier))
        draft.options.append({"text": text, "correct": is_correct, "removable": removable})


def _number(text: str, element, refuse) -> float | None:
    try:
        return float(text)
    except ValueError:
        refuse(element, errors.NUMBER_EXPECTED, value=repr(text[:40]))
        return None


def _read_numeric(draft, root, declaration, correct, refuse) -> None:
    if not correct:
        refuse(declaration, errors.NO_CORRECT_VALUE)
        return
    draft.numeric_answer = _number(correct[0], declaration, refuse)
    for equal in root.iter(qti("qti-equal")):
        if equal.get("tolerance-mode") == "absolute" and equal.get("tolerance"):
            tolerance = _number(equal.get("tolerance", "").split()[0], equal, refuse)
            if tolerance is not None and tolerance < 0:
                refuse(equal, errors.NEGATIVE_TOLERANCE, value=tolerance)
            draft.numeric_tolerance = tolerance or 0.0
            break


def _read_text(draft, declaration, correct, refuse) -> None:
    accepted: list[str] = []
    for entry in declaration.iter(qti("qti-map-entry")):
        key = (entry.get("map-key") or "").strip()
        try:
            worth = float(entry.get("mapped-value", "0"))
        except ValueError:
            worth = 0.0
        if key and worth > 0 and key not in accepted:
            accepted.append(key)
    if not accepted:
        accepted = [value for value in correct if value]
    if not accepted:
        refuse(declaration, errors.NO_ACCEPTED_ANSWER)
    draft.accepted_answers = accepted


def _read_rubric(draft, body, refuse) -> None:
    blocks = [
        block
        for block in body.iter(qti("qti-rubric-block"))
        if "scorer" in (block.get("view") or "").split()
    ]
    if not blocks:
        refuse(body, errors.NO_RUBRIC)
        return
    for block in blocks:
        content = block.find(qti("qti-content-body"))
        content = block if content is None else content
        heading = content.find(qti("p"))
        name = prose(heading) if heading is not None else ""
        levels_list = content.find(qti("ol"))
        levels = (
            [prose(li) for li in levels_list.findall(qti("li"))] if levels_list is not None else []
        )
        if not name:
            refuse(block, errors.CRITERION_NO_NAME)
        if len(levels) < 2:
            refuse(block, errors.CRITERION_LEVELS, name=repr(name), count=len(levels))
        draft.rubric.append({"name": name, "levels": levels})

"""1EdTech CASE 1.0 JSON: import a CFPackage as a framework, export it back.

Import reads ``CFDocument``, ``CFItems`` and ``CFAssociations``:
``isChildOf`` builds the hierarchy (origin is the child; a destination that is
the document itself marks a top-level competency), ``precedes`` becomes a
prerequisite link (origin comes before destination, so it is a prerequisite
of it), ``isPeerOf`` and ``isRelatedTo`` are kept as typed links. Every other
association type (``exactMatchOf``, ``exemplar``...) may point outside the
package, so it is kept verbatim and exported again, but not checked.

The whole file is checked before anything is written: a malformed file, an
identifier used twice, an association naming an identifier the package does
not hold, or a cycle in the hierarchy or the prerequisites is refused with a
message naming the offending identifier, and nothing is stored.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

import pydantic
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, StrictStr, StringConstraints, field_validator

from trellis.curriculum.graph import find_cycle
from trellis.curriculum.models import Competency, CompetencyLink, Framework

if TYPE_CHECKING:
    from trellis.people.models import School

NOT_JSON = _("The file is not valid JSON: {error}.")
MALFORMED = _("This is not a CASE package: {problem}.")
MISSING_FIELD = _("{what} {identifier} has no {field}.")
DUPLICATE_IDENTIFIER = _("The identifier {identifier} is used twice in the package.")
DANGLING = _(
    "Association {association} ({kind}) refers to {identifier}, which is not in this package."
)
CYCLE = _("The prerequisite links (precedes) form a cycle: {cycle}.")
HIERARCHY_CYCLE = _("The hierarchy (isChildOf) forms a cycle: {cycle}.")
ALREADY_IMPORTED = _(
    "The framework {identifier} ({title}) is already here; delete it before importing it again."
)
BAD_DATE = _("{what} {identifier} has an unreadable lastChangeDateTime {value!r}.")

TYPED = {CompetencyLink.PRECEDES, CompetencyLink.PEER, CompetencyLink.RELATED}
CHILD_OF = "isChildOf"

_DOC_FIELDS = {
    "identifier", "uri", "title", "creator", "subject", "description", "version",
    "adoptionStatus", "language",
}  # fmt: skip
_ITEM_FIELDS = {
    "identifier", "uri", "fullStatement", "humanCodingScheme", "CFItemType",
    "educationLevel",
}  # fmt: skip


class CaseImportError(ValidationError):
    """A CASE package refused as a whole."""


@dataclass
class _Parsed:
    document: dict[str, Any]
    items: list[dict[str, Any]]
    associations: list[dict[str, Any]]


def _fail(message: str) -> CaseImportError:
    return CaseImportError(message)


def _when(value: Any) -> dt.datetime | None:
    """A ``lastChangeDateTime`` (absent or empty: none; no zone: UTC)."""
    if value in (None, ""):
        return None
    parsed = parse_datetime(str(value))
    if parsed is None:
        raise ValueError(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


#: A required text: a string with something in it besides spaces.
_Text = Annotated[StrictStr, StringConstraints(pattern=r"\S")]


class _Record(BaseModel):
    """The part of a CASE record the import relies on; anything else is kept
    verbatim (``extra``). Fields are declared in the order they are checked,
    so the first error is the one the file's reader meets first."""

    model_config = ConfigDict(extra="allow")

    @field_validator("lastChangeDateTime", check_fields=False)
    @classmethod
    def _readable_date(cls, value: Any) -> Any:
        _when(value)
        return value


class _Document(_Record):
    identifier: _Text
    title: _Text
    lastChangeDateTime: Any = None


class _Item(_Record):
    identifier: _Text
    fullStatement: _Text
    educationLevel: list[Any] = []
    lastChangeDateTime: Any = None


class _NodeRef(BaseModel):
    model_config = ConfigDict(extra="allow")
    identifier: StrictStr


class _Association(_Record):
    identifier: _Text
    associationType: _Text
    lastChangeDateTime: Any = None
    originNodeURI: _NodeRef
    destinationNodeURI: _NodeRef


class _Package(BaseModel):
    model_config = ConfigDict(extra="allow")
    CFDocument: _Document
    CFItems: list[_Item] = []
    CFAssociations: list[_Association] = []


_SECTIONS = {
    "CFDocument": "there is no CFDocument object",
    "CFItems": "CFItems is not a list of objects",
    "CFAssociations": "CFAssociations is not a list of objects",
}
_WHAT = {"CFDocument": "CFDocument", "CFItems": "CFItem", "CFAssociations": "CFAssociation"}


def _refusal(data: dict[str, Any], loc: tuple[int | str, ...]) -> CaseImportError:
    """The message for the first thing pydantic found wrong at ``loc``."""
    section, rest, index = str(loc[0]), loc[1:], None
    record: dict[str, Any] = {}
    if section == "CFDocument" and rest:
        record = data["CFDocument"]
    elif len(loc) < 3:  # the list itself, or one of its entries, is not what it should be
        rest = ()
    else:
        index = int(loc[1])
        record, rest = data[section][index], loc[2:]
    if not rest:
        return _fail(MALFORMED.format(problem=_SECTIONS[section]))
    what, field = _WHAT[section], str(rest[0])
    if field == "lastChangeDateTime":
        return _fail(
            BAD_DATE.format(what=what, identifier=record.get("identifier"), value=record[field])
        )
    if field in ("originNodeURI", "destinationNodeURI"):
        return _fail(
            MISSING_FIELD.format(
                what="Association",
                identifier=record.get("identifier", "?"),
                field=f"{field}.identifier",
            )
        )
    if field == "educationLevel":
        field = "educationLevel list"
    ident = record.get("identifier") or (f"#{index + 1}" if index is not None else "")
    return _fail(MISSING_FIELD.format(what=what, identifier=ident, field=field))


def _load(data: str | bytes | dict[str, Any]) -> _Parsed:
    """The package's shape checked by pydantic (``_Package``); the records
    are kept as the file had them, for the verbatim round trip."""
    if isinstance(data, (str, bytes)):
        try:
            data = json.loads(data)
        except (ValueError, UnicodeDecodeError) as exc:
            raise _fail(NOT_JSON.format(error=exc))
    if not isinstance(data, dict):
        raise _fail(MALFORMED.format(problem="the top level is not an object"))
    try:
        _Package.model_validate(data)
    except pydantic.ValidationError as exc:
        raise _refusal(data, exc.errors()[0]["loc"]) from None
    return _Parsed(
        document=data["CFDocument"],
        items=data.get("CFItems", []),
        associations=data.get("CFAssociations", []),
    )


def _date(record: dict[str, Any]) -> dt.datetime | None:
    """The record's ``lastChangeDateTime`` (already found readable by ``_load``)."""
    return _when(record.get("lastChangeDateTime"))


def _validate(parsed: _Parsed) -> None:
    """Everything that can be wrong beyond the shape (identifiers used
    twice, references to nothing, cycles), found before anything is written."""
    doc_id = parsed.document["identifier"]
    seen: set[str] = {doc_id}
    item_ids: set[str] = set()
    for item in parsed.items:
        ident = item["identifier"]
        if ident in seen:
            raise _fail(DUPLICATE_IDENTIFIER.format(identifier=ident))
        seen.add(ident)
        item_ids.add(ident)
    parents: dict[str, list[str]] = {}
    precedes: dict[str, list[str]] = {}
    assoc_ids: set[str] = set()
    for assoc in parsed.associations:
        ident, kind = assoc["identifier"], assoc["associationType"]
        if ident in assoc_ids or ident in seen:
            raise _fail(DUPLICATE_IDENTIFIER.format(identifier=ident))
        assoc_ids.add(ident)
        origin = assoc["originNodeURI"]["identifier"]
        destination = assoc["destinationNodeURI"]["identifier"]
        if kind not in TYPED and kind != CHILD_OF:
            continue
        for end in (origin, destination):
            allowed = item_ids | {doc_id} if (kind == CHILD_OF and end == destination) else item_ids
            if end not in allowed:
                raise _fail(DANGLING.format(association=ident, kind=kind, identifier=end))
        if kind == CHILD_OF and destination != doc_id:
            parents.setdefault(origin, []).append(destination)
        elif kind == CompetencyLink.PRECEDES:
            precedes.setdefault(origin, []).append(destination)
    codes = {i["identifier"]: i.get("humanCodingScheme") or i["identifier"] for i in parsed.items}
    cycle = find_cycle({k: v[:1] for k, v in parents.items()})
    if cycle:
        raise _fail(HIERARCHY_CYCLE.format(cycle=" → ".join(codes.get(c, c) for c in cycle)))
    cycle = find_cycle(precedes)
    if cycle:
        raise _fail(CYCLE.format(cycle=" → ".join(f"{codes.get(c, c)} ({c})" for c in cycle)))


def _extra(record: dict[str, Any], known: set[str]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in known}


@transaction.atomic
def framework_import_case(
    *, data: str | bytes | dict[str, Any], school: School | None
) -> Framework:
    """Import a CFPackage for ``school`` (None: a global framework). All or nothing."""
    parsed = _load(data)
    _validate(parsed)
    doc = parsed.document
    if Framework.objects.filter(school=school, identifier=doc["identifier"]).exists():
        raise _fail(ALREADY_IMPORTED.format(identifier=doc["identifier"], title=doc["title"]))
    subjects = doc.get("subject") or []
    subject = subjects[0] if isinstance(subjects, list) and subjects else str(subjects or "")
    framework = Framework(
        school=school,
        identifier=doc["identifier"],
        uri=doc.get("uri", ""),
        title=doc["title"],
        creator=doc.get("creator", ""),
        subject=subject,
        description=doc.get("description", ""),
        version=doc.get("version", ""),
        adoption_status=doc.get("adoptionStatus", ""),
        language=doc.get("language", ""),
        last_change=_date(doc),
        extra={**_extra(doc, _DOC_FIELDS), "subject": subjects}
        if subjects
        else _extra(doc, _DOC_FIELDS),
    )
    framework.full_clean()
    framework.save()

    competencies = [
        Competency(
            framework=framework,
            identifier=item["identifier"],
            uri=item.get("uri", ""),
            code=item.get("humanCodingScheme", "") or "",
            statement=item["fullStatement"],
            subject=subject,
            grade_band=", ".join(str(level) for level in item.get("educationLevel", [])),
            item_type=item.get("CFItemType", "") or "",
            position=index,
            last_change=_date(item),
            extra=_extra(item, _ITEM_FIELDS),
        )
        for index, item in enumerate(parsed.items)
    ]
    Competency.objects.bulk_create(competencies)
    by_id = {c.identifier: c for c in Competency.objects.filter(framework=framework)}

    links: list[CompetencyLink] = []
    other: list[dict[str, Any]] = []
    touched: dict[str, Competency] = {}
    for assoc in parsed.associations:
        kind = assoc["associationType"]
        origin = assoc["originNodeURI"]["identifier"]
        destination = assoc["destinationNodeURI"]["identifier"]
        if kind == CHILD_OF and destination == doc["identifier"] and origin not in touched:
            child = by_id[origin]
            child.extra = {**child.extra, "isChildOf": _link_meta(assoc)}
            touched[origin] = child
        elif kind == CHILD_OF and origin not in touched:
            child = by_id[origin]
            child.parent = by_id[destination]
            if assoc.get("sequenceNumber") is not None:
                child.position = int(assoc["sequenceNumber"])
            child.extra = {**child.extra, "isChildOf": _link_meta(assoc)}
            touched[origin] = child
        elif kind in TYPED:
            links.append(
                CompetencyLink(
                    framework=framework,
                    identifier=assoc["identifier"],
                    kind=kind,
                    origin=by_id[origin],
                    destination=by_id[destination],
                    last_change=_date(assoc),
                    extra=_extra(assoc, {"identifier", "associationType"}),
                )
            )
        else:
            other.append(assoc)
    Competency.objects.bulk_update(touched.values(), ["parent", "position", "extra"])
    CompetencyLink.objects.bulk_create(links)
    if other:
        framework.extra = {**framework.extra, "otherAssociations": other}
        framework.save(update_fields=["extra"])
    return framework


def _link_meta(assoc: dict[str, Any]) -> dict[str, Any]:
    """Everything of the association but its type, so that the export gives
    back the very node references and strings the file had."""
    return {k: v for k, v in assoc.items() if k != "associationType"}


def _iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _ref(title: str, identifier: str, uri: str) -> dict[str, str]:
    return {"title": title, "identifier": identifier, "uri": uri}


def framework_export_case(*, framework: Framework) -> dict[str, Any]:
    """The framework as a CFPackage dictionary (``json.dumps`` it to serve)."""
    extra = dict(framework.extra)
    other = extra.pop("otherAssociations", [])
    subjects = extra.pop("subject", [framework.subject] if framework.subject else [])
    doc_uri = framework.uri or f"urn:trellis:framework:{framework.identifier}"
    document: dict[str, Any] = {
        "identifier": framework.identifier,
        "uri": doc_uri,
        "title": framework.title,
        "creator": framework.creator,
        "lastChangeDateTime": _iso(framework.last_change or framework.created_at),
        **({"subject": subjects} if subjects else {}),
        **({"description": framework.description} if framework.description else {}),
        **({"version": framework.version} if framework.version else {}),
        **({"adoptionStatus": framework.adoption_status} if framework.adoption_status else {}),
        **({"language": framework.language} if framework.language else {}),
        **extra,
    }
    doc_ref = _ref(framework.title, framework.identifier, doc_uri)
    competencies = list(framework.competencies.select_related("parent").order_by("pk"))
    items: list[dict[str, Any]] = []
    associations: list[dict[str, Any]] = []
    for c in competencies:
        c_extra = dict(c.extra)
        child_of = c_extra.pop("isChildOf", None)
        item: dict[str, Any] = {
            "identifier": c.identifier,
            "uri": c.uri or f"urn:trellis:competency:{c.identifier}",
            "fullStatement": c.statement,
            **({"humanCodingScheme": c.code} if c.code else {}),
            **({"CFItemType": c.item_type} if c.item_type else {}),
            **(
                {"educationLevel": [s.strip() for s in c.grade_band.split(",")]}
                if c.grade_band
                else {}
            ),
            "lastChangeDateTime": _iso(c.last_change or framework.created_at),
            "CFDocumentURI": doc_ref,
            **c_extra,
        }
        items.append(item)
        meta = child_of or {"identifier": f"{c.identifier}-isChildOf", "sequenceNumber": c.position}
        parent_ref = (
            _ref(c.parent.code or c.parent.statement[:60], c.parent.identifier, _uri(c.parent))
            if c.parent
            else doc_ref
        )
        if c.parent or child_of:
            associations.append(
                {
                    "identifier": meta["identifier"],
                    "uri": f"urn:trellis:association:{meta['identifier']}",
                    "associationType": CHILD_OF,
                    "originNodeURI": _ref(c.code or c.statement[:60], c.identifier, _uri(c)),
                    "destinationNodeURI": parent_ref,
                    "CFDocumentURI": doc_ref,
                    "lastChangeDateTime": _iso(c.last_change or framework.created_at),
                    **meta,
                }
            )
    for link in framework.links.select_related("origin", "destination").order_by("pk"):
        associations.append(
            {
                "identifier": link.identifier,
                "uri": f"urn:trellis:association:{link.identifier}",
                "associationType": link.kind,
                "originNodeURI": _ref(link.origin.label, link.origin.identifier, _uri(link.origin)),
                "destinationNodeURI": _ref(
                    link.destination.label, link.destination.identifier, _uri(link.destination)
                ),
                "CFDocumentURI": doc_ref,
                "lastChangeDateTime": _iso(link.last_change or framework.created_at),
                **link.extra,
            }
        )
    associations.extend(other)
    return {"CFDocument": document, "CFItems": items, "CFAssociations": associations}


def _uri(c: Competency) -> str:
    return c.uri or f"urn:trellis:competency:{c.identifier}"

"""A small CASE 1.0 package written for the tests (our own wording)."""

from __future__ import annotations

import copy
from typing import Any

DOC = "c0000000-0000-4000-8000-000000000000"


def _ref(identifier: str, title: str = "") -> dict[str, str]:
    return {
        "title": title or identifier,
        "identifier": identifier,
        "uri": f"https://case.example/uri/{identifier}",
    }


def _item(
    identifier: str, code: str, statement: str, kind: str = "Standard", levels=("06",)
) -> dict[str, Any]:
    return {
        "identifier": identifier,
        "uri": f"https://case.example/uri/{identifier}",
        "fullStatement": statement,
        "humanCodingScheme": code,
        "CFItemType": kind,
        "educationLevel": list(levels),
        "lastChangeDateTime": "2025-01-15T10:00:00+00:00",
        "CFDocumentURI": _ref(DOC, "Sample"),
    }


def _assoc(
    identifier: str, kind: str, origin: str, destination: str, seq: int | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "identifier": identifier,
        "uri": f"https://case.example/uri/{identifier}",
        "associationType": kind,
        "originNodeURI": _ref(origin),
        "destinationNodeURI": _ref(destination),
        "CFDocumentURI": _ref(DOC, "Sample"),
        "lastChangeDateTime": "2025-01-15T10:00:00+00:00",
    }
    if seq is not None:
        out["sequenceNumber"] = seq
    return out


def sample_package() -> dict[str, Any]:
    """Domain D with children S1, S2, S3; S1 precedes S2 precedes S3; S1 is a
    peer of S3; plus an exactMatchOf pointing outside the package."""
    items = [
        _item("d", "6.X", "Domain of the sample", "Domain"),
        _item("s1", "6.X.1", "Compare two quantities"),
        _item("s2", "6.X.2", "Find a unit rate", levels=("06", "07")),
        _item("s3", "6.X.3", "Solve percent problems"),
    ]
    associations = [
        _assoc("a-d", "isChildOf", "d", DOC, 1),
        _assoc("a-s1", "isChildOf", "s1", "d", 1),
        _assoc("a-s2", "isChildOf", "s2", "d", 2),
        _assoc("a-s3", "isChildOf", "s3", "d", 3),
        _assoc("p-12", "precedes", "s1", "s2"),
        _assoc("p-23", "precedes", "s2", "s3"),
        _assoc("peer-13", "isPeerOf", "s1", "s3"),
        _assoc("x-1", "exactMatchOf", "s1", "elsewhere-123"),
    ]
    return copy.deepcopy(
        {
            "CFDocument": {
                "identifier": DOC,
                "uri": f"https://case.example/uri/{DOC}",
                "creator": "Test authors",
                "title": "Sample",
                "lastChangeDateTime": "2025-01-15T10:00:00+00:00",
                "subject": ["Mathematics"],
                "adoptionStatus": "Draft",
                "language": "en",
                "version": "1.0",
            },
            "CFItems": items,
            "CFAssociations": associations,
        }
    )

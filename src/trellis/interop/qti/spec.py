"""The parts of QTI 3.0 and IMS Content Packaging 1.2 that Trellis reads and
writes: namespaces, resource type, element names and the standard response
processing templates. Element names are the QTI 3.0 ones (kebab-case,
``qti-`` prefixed, in the ``imsqtiasi_v3p0`` namespace)."""

from __future__ import annotations

QTI_NS = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
CP_NS = "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"
LOM_NS = "http://ltsc.ieee.org/xsd/LOM"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
QTI_SCHEMA = "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0p1_v1p0.xsd"

MANIFEST_FILE = "imsmanifest.xml"
ITEM_RESOURCE_TYPE = "imsqti_item_xmlv3p0"
#: Older packages: items in QTI 2.x resources are listed as unknown, not read.
TEMPLATE_BASE = "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/"
MATCH_CORRECT = TEMPLATE_BASE + "match_correct.xml"
MAP_RESPONSE = TEMPLATE_BASE + "map_response.xml"

#: The LOM classification purpose under which an item's competencies are
#: listed (a value of LOM's own purpose vocabulary).
COMPETENCY_PURPOSE = "competency"
LOM_VOCABULARY = "LOMv1.0"

#: A Trellis extension on qti-simple-choice: the option may be hidden for a
#: learner with the reduced-choices accommodation. QTI 3.0 allows data-*
#: attributes on content elements.
REMOVABLE_ATTRIBUTE = "data-trellis-removable"

RESPONSE = "RESPONSE"
SCORE = "SCORE"

CHOICE = "qti-choice-interaction"
TEXT_ENTRY = "qti-text-entry-interaction"
EXTENDED_TEXT = "qti-extended-text-interaction"
KNOWN_INTERACTIONS = {CHOICE, TEXT_ENTRY, EXTENDED_TEXT}
#: Every QTI 3.0 interaction element; one Trellis has no kind for is listed
#: as a problem by name.
ALL_INTERACTIONS = KNOWN_INTERACTIONS | {
    "qti-associate-interaction",
    "qti-custom-interaction",
    "qti-drawing-interaction",
    "qti-end-attempt-interaction",
    "qti-gap-match-interaction",
    "qti-graphic-associate-interaction",
    "qti-graphic-gap-match-interaction",
    "qti-graphic-order-interaction",
    "qti-hotspot-interaction",
    "qti-hottext-interaction",
    "qti-inline-choice-interaction",
    "qti-match-interaction",
    "qti-media-interaction",
    "qti-order-interaction",
    "qti-portable-custom-interaction",
    "qti-position-object-interaction",
    "qti-select-point-interaction",
    "qti-slider-interaction",
    "qti-upload-interaction",
}
#: Parts of an item body that are not the question's text.
NOT_PROMPT = ALL_INTERACTIONS | {
    "qti-rubric-block",
    "qti-feedback-block",
    "qti-feedback-inline",
    "qti-template-block",
    "qti-template-inline",
}
#: Elements that start a new line of the prompt.
BLOCKS = {"p", "div", "li", "qti-prompt", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"}


def qti(tag: str) -> str:
    return f"{{{QTI_NS}}}{tag}"


def cp(tag: str) -> str:
    return f"{{{CP_NS}}}{tag}"


def lom(tag: str) -> str:
    return f"{{{LOM_NS}}}{tag}"

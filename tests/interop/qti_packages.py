"""Building QTI packages by hand for tests: a manifest naming items with
their competencies, and item documents written as text so that a test can
break them in exactly one place."""

from __future__ import annotations

import io
import zipfile

from trellis.interop.qti import spec

MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest xmlns="{cp}" xmlns:lom="{lom}" identifier="test">
  <resources>
{resources}
  </resources>
</manifest>
"""

RESOURCE = """    <resource identifier="{identifier}" type="{type}" href="{href}">
      <metadata><lom:lom><lom:classification>
        <lom:purpose><lom:source>LOMv1.0</lom:source><lom:value>competency</lom:value></lom:purpose>
        <lom:taxonPath><lom:source><lom:string>{framework}</lom:string></lom:source>
          <lom:taxon><lom:id>{competency}</lom:id></lom:taxon></lom:taxonPath>
      </lom:classification></lom:lom></metadata>
      <file href="{href}"/>
    </resource>"""

CHOICE_ITEM = """<?xml version="1.0" encoding="UTF-8"?>
<qti-assessment-item xmlns="{qti}" identifier="q1" title="q1" adaptive="false" time-dependent="false">
  <qti-response-declaration identifier="RESPONSE" cardinality="single" base-type="identifier">
    <qti-correct-response><qti-value>B</qti-value></qti-correct-response>
  </qti-response-declaration>
  <qti-item-body>
    <qti-choice-interaction response-identifier="RESPONSE" max-choices="1">
      <qti-prompt>Which is even?</qti-prompt>
      <qti-simple-choice identifier="A">3</qti-simple-choice>
      <qti-simple-choice identifier="B">4</qti-simple-choice>
    </qti-choice-interaction>
  </qti-item-body>
  <qti-response-processing template="{template}"/>
</qti-assessment-item>
"""

HOTSPOT_ITEM = """<?xml version="1.0" encoding="UTF-8"?>
<qti-assessment-item xmlns="{qti}" identifier="q2" title="q2" adaptive="false" time-dependent="false">
  <qti-response-declaration identifier="RESPONSE" cardinality="single" base-type="identifier"/>
  <qti-item-body>
    <p>Click the lake.</p>
    <qti-hotspot-interaction response-identifier="RESPONSE" max-choices="1"/>
  </qti-item-body>
</qti-assessment-item>
"""


def item_xml(template: str = CHOICE_ITEM) -> str:
    return template.format(qti=spec.QTI_NS, template=spec.MATCH_CORRECT)


def manifest_xml(resources: list[dict]) -> str:
    body = "\n".join(
        RESOURCE.format(
            identifier=r["identifier"],
            type=r.get("type", spec.ITEM_RESOURCE_TYPE),
            href=r["href"],
            framework=r["framework"],
            competency=r["competency"],
        )
        for r in resources
    )
    return MANIFEST.format(cp=spec.CP_NS, lom=spec.LOM_NS, resources=body)


def make_zip(files: dict[str, str | bytes]) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    buffer.seek(0)
    buffer.name = "package.zip"
    return buffer


def package(competency, items: dict[str, str] | None = None, **overrides) -> io.BytesIO:
    """A package of ``items`` (href → XML text; one valid choice item by
    default), each linked to ``competency``."""
    items = items if items is not None else {"items/q1.xml": item_xml()}
    resources = [
        {
            "identifier": f"r{n}",
            "href": href,
            "framework": competency.framework.identifier,
            "competency": competency.identifier,
        }
        for n, href in enumerate(items)
    ]
    files: dict[str, str | bytes] = {"imsmanifest.xml": manifest_xml(resources), **items}
    files.update(overrides)
    return make_zip(files)

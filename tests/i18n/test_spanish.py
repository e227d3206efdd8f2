"""Trellis is bilingual (issue 20): every entry of the Spanish catalogue is
translated, keeps its placeholders and is in the compiled ``django.mo``; and
the newer pages (the guardian's child page, the continuum report, a help
thread, the network page) come out in Spanish for someone who chose it."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest

import trellis
from tests.family.conftest import client_for
from tests.personalization.conftest import join
from tests.reports.conftest import styled_classes
from trellis.personalization.services import network as net_svc

MESSAGES = Path(trellis.__file__).parent / "locale" / "es" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[.\d]*[sdf]|\{[a-z_]+\}")
ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(1)), text[1:-1])


def _names(text: str) -> list[str]:
    return PLACEHOLDER.findall(text)


def catalogue() -> list[dict]:
    """The live entries of django.po (not the header, not obsolete ``#~``
    ones): their fields (msgctxt, msgid, msgid_plural, msgstr, msgstr[n])
    and flags."""
    text = (MESSAGES / "django.po").read_text(encoding="utf-8")
    entries = []
    for block in text.strip().split("\n\n"):
        lines = block.splitlines()
        if any(line.startswith("#~") for line in lines):
            continue
        fields: dict[str, str] = {}
        flags: set[str] = set()
        key = ""
        for line in lines:
            if line.startswith("#,"):
                flags |= {f.strip() for f in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                fields[key] += _unquote(line)
            else:
                key, _, value = line.partition(" ")
                fields[key] = _unquote(value)
        if fields.get("msgid"):
            entries.append({"fields": fields, "flags": flags})
    return entries


def test_catalogue_is_complete_and_keeps_placeholders():
    entries = catalogue()
    assert len(entries) > 300  # the whole catalogue was read, not just the header
    problems = []
    for entry in entries:
        fields = entry["fields"]
        msgid = fields["msgid"]
        if "fuzzy" in entry["flags"]:
            problems.append(f"fuzzy: {msgid!r}")
        if "msgid_plural" in fields:
            plural = fields["msgid_plural"]
            # The singular may say "one" instead of the count, so it needs
            # only the singular msgid's placeholders and may use the plural's.
            checks = [
                (msgid, fields["msgstr[0]"], set(_names(msgid)), set(_names(msgid + plural))),
                (plural, fields["msgstr[1]"], set(_names(plural)), set(_names(plural))),
            ]
        else:
            names = set(_names(msgid))
            checks = [(msgid, fields["msgstr"], names, names)]
        for source, translated, needed, allowed in checks:
            got = set(_names(translated))
            if not translated:
                problems.append(f"empty: {source!r}")
            elif not needed <= got <= allowed:
                problems.append(f"placeholders {sorted(got)} for {source!r}")
    assert problems == []


def test_compiled_catalogue_matches_the_po():
    with (MESSAGES / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    stale = []
    for entry in catalogue():
        fields = entry["fields"]
        context = fields.get("msgctxt")
        if "msgid_plural" in fields and context:
            plural = fields["msgid"], fields["msgid_plural"]
            got = [compiled.npgettext(context, *plural, n) for n in (1, 2)]
            want = [fields["msgstr[0]"], fields["msgstr[1]"]]
        elif "msgid_plural" in fields:
            got = [compiled.ngettext(fields["msgid"], fields["msgid_plural"], n) for n in (1, 2)]
            want = [fields["msgstr[0]"], fields["msgstr[1]"]]
        elif context:
            got, want = compiled.pgettext(context, fields["msgid"]), fields["msgstr"]
        else:
            got, want = compiled.gettext(fields["msgid"]), fields["msgstr"]
        if got != want:
            stale.append(fields["msgid"])
    assert stale == [], "django.mo is older than django.po: run msgfmt"


def spanish(user):
    client = client_for(user)
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    return client


@pytest.mark.django_db
def test_guardian_child_page_in_spanish(world):
    page = spanish(world.guardian).get(f"/family/children/{world.learner.pk}/").content.decode()
    assert 'lang="es"' in page
    assert "Esta página se actualiza sola cuando algo cambia." in page
    assert "This page updates by itself" not in page


@pytest.mark.django_db
def test_continuum_report_in_spanish(world):
    styled = styled_classes(world)
    page = spanish(world.teacher).get(f"/reports/continuum/?class={styled.pers.pk}").content
    page = page.decode()
    assert "Informe del continuo" in page
    assert "contado en días-estudiante a partir de los registros" in page
    assert "Decisiones que la sustentan" in page
    assert "counted in learner-days" not in page


@pytest.mark.django_db
def test_help_thread_and_network_in_spanish(world):
    join(world.learner, world.sibling)
    help_request = net_svc.help_request_send(learner=world.learner, message="Ratio tables")
    net_svc.help_reply(request=help_request, author=world.sibling, text="Double both rows")
    learner = spanish(world.learner)
    thread = learner.get(f"/help/{help_request.pk}/").content.decode()
    assert "Mi petición de ayuda" in thread
    assert f"Dar las gracias a {world.sibling}" in thread
    assert "Recibí la ayuda que necesitaba: marcar como resuelta" in thread
    assert "Double both rows" in thread  # what people wrote is never translated
    assert "mark resolved" not in thread
    helper_view = spanish(world.sibling).get(f"/help/{help_request.pk}/").content.decode()
    assert f"{world.learner} pide ayuda" in helper_view and "Tu respuesta" in helper_view
    network = learner.get("/network/").content.decode()
    assert "Mi red de aprendizaje" in network and "Pedir ayuda" in network
    assert "1 respuesta" in network and "Ask for help" not in network
    count = learner.get("/notifications/count/").content.decode()
    assert re.fullmatch(r"Notificaciones \(\d+ sin leer\)", count), count
    # The choice is kept on the account: another device shows Spanish too,
    # until the learner switches back to English there.
    other_device = client_for(world.learner)
    assert "Mi petición de ayuda" in other_device.get(f"/help/{help_request.pk}/").content.decode()
    other_device.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = other_device.get(f"/help/{help_request.pk}/").content.decode()
    assert "My help request" in english and "Mi petición de ayuda" not in english

"""A OneRoster zip is read within limits: how many entries, how long their
names, how much they decompress to (counted while reading, not taken from
the zip's header), no absolute or ``..`` paths, no file twice; and a file
with a million problems is reported as its first hundred and a count."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest
from django.core.management import CommandError, call_command

from tests.interop.roster import _csv, district, make_zip
from trellis.interop.models import SourcedRecord
from trellis.interop.oneroster import RosterRefused, errors, import_roster, reader
from trellis.interop.oneroster.errors import REPORTED_PROBLEMS, Problem
from trellis.people.models import User

pytestmark = pytest.mark.django_db


def refused(source) -> RosterRefused:
    with pytest.raises(RosterRefused) as info:
        import_roster(source)
    assert not SourcedRecord.objects.exists()
    assert not User.objects.exists()
    return info.value


def zip_of(entries: dict[str, bytes | str]) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    buffer.seek(0)
    return buffer


def district_entries(prefix: str = "") -> dict[str, bytes]:
    """The test district's files, read back out of make_zip, under ``prefix``."""
    with zipfile.ZipFile(make_zip(district())) as archive:
        return {prefix + name: archive.read(name) for name in archive.namelist()}


def test_a_compressed_bomb_is_refused_with_bounded_memory(monkeypatch):
    limit = 4 * 1024 * 1024
    monkeypatch.setattr(reader, "MAX_TOTAL_BYTES", limit)
    files = district_entries()
    header = files.pop("users.csv").split(b"\n", 1)[0] + b"\n"
    line = b"u,,,true,user,Given,Family,,,,,,,,\n"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
        # 64 MB of users.csv, written in pieces so the test itself stays small.
        with archive.open("users.csv", "w") as out:
            out.write(header)
            block = line * (1024 * 1024 // len(line))
            for _ in range(64):
                out.write(block)
    assert buffer.tell() < limit // 4  # the upload is small; what it unpacks to is not
    buffer.seek(0)
    tracemalloc.start()
    try:
        problems = refused(buffer).problems
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert problems == [Problem("(zip)", 0, "", errors.TOO_LARGE.format(limit="4 MB"))]
    # Reading stops at the limit: far less than the 64 MB the file unpacks to.
    assert peak < 4 * limit


def test_the_limit_counts_what_is_read_not_what_the_header_claims(monkeypatch):
    monkeypatch.setattr(reader, "MAX_TOTAL_BYTES", 2000)
    files = district_entries()
    total = sum(len(content) for content in files.values())
    assert total > 2000
    problems = refused(zip_of(files)).problems
    assert problems == [Problem("(zip)", 0, "", errors.TOO_LARGE.format(limit="2000 bytes"))]
    monkeypatch.setattr(reader, "MAX_TOTAL_BYTES", total)
    assert import_roster(zip_of(files), dry_run=True).ok


@pytest.mark.parametrize(
    "name",
    ["../../x/users.csv", "/users.csv", "a/../users.csv", "..\\users.csv", "C:/roster/users.csv"],
)
def test_absolute_and_climbing_paths_are_refused(name):
    files = district_entries()
    files[name] = files.pop("users.csv")
    problems = refused(zip_of(files)).problems
    assert problems == [Problem("(zip)", 0, "", errors.ENTRY_UNSAFE_PATH.format(name=name))]


def test_a_file_twice_is_refused_not_first_wins():
    files = district_entries()
    files["copy/users.csv"] = b"sourcedId\nnobody\n"
    problems = refused(zip_of(files)).problems
    assert problems == [
        Problem(
            "(zip)",
            0,
            "",
            errors.ENTRY_TWICE.format(base="users.csv", first="users.csv", second="copy/users.csv"),
        )
    ]


def test_too_many_entries_and_too_long_names():
    files = district_entries()
    extra = {f"notes/{n}.txt": b"" for n in range(reader.MAX_ENTRIES)}
    count = len(files) + len(extra)
    problems = refused(zip_of({**files, **extra})).problems
    assert problems == [
        Problem(
            "(zip)", 0, "", errors.TOO_MANY_ENTRIES.format(count=count, limit=reader.MAX_ENTRIES)
        )
    ]
    long_name = "x" * (reader.MAX_NAME_LENGTH + 1) + ".csv"
    problems = refused(zip_of({**files, long_name: b""})).problems
    assert problems == [
        Problem(
            "(zip)",
            0,
            "",
            errors.ENTRY_NAME_TOO_LONG.format(
                name=long_name[:60] + "…", length=len(long_name), limit=reader.MAX_NAME_LENGTH
            ),
        )
    ]


def test_files_inside_one_folder_are_still_read():
    plan = import_roster(zip_of(district_entries("export-2026/")))
    assert plan.ok
    assert User.objects.filter(username__in=[r["username"] for r in district()["users"]]).exists()


def many_bad_users(count: int) -> io.BytesIO:
    files = district_entries()
    header = files["users.csv"].decode().split("\n", 1)[0].split(",")
    rows = [header]
    for n in range(count):
        bad = dict.fromkeys(header, "")
        bad.update(sourcedId=f"bad{n}", enabledUser="maybe", username=f"bad{n}")
        rows.append([bad[c] for c in header])
    files["users.csv"] = _csv(rows).encode()
    return zip_of(files)


def test_a_file_with_thousands_of_problems_is_read_to_a_cap_and_reported_to_a_cap():
    rows = reader.MAX_FILE_PROBLEMS + 500
    info = refused(many_bad_users(rows))
    stopped = Problem(
        "users.csv", 0, "", errors.TOO_MANY_PROBLEMS.format(count=reader.MAX_FILE_PROBLEMS)
    )
    assert stopped in info.problems
    bad_choices = [p for p in info.problems if p.column == "enabledUser"]
    assert len(bad_choices) == reader.MAX_FILE_PROBLEMS
    lines = info.report()
    assert len(lines) == REPORTED_PROBLEMS + 1
    assert lines[-1] == f"… and {len(info.problems) - REPORTED_PROBLEMS} more problems, not listed."


def test_the_command_prints_the_first_hundred_problems(tmp_path, capsys):
    path = tmp_path / "bad.zip"
    path.write_bytes(many_bad_users(300).getvalue())
    with pytest.raises(CommandError):
        call_command("import_oneroster", str(path))
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == REPORTED_PROBLEMS + 1
    assert err[-1].startswith("… and ") and err[-1].endswith(" more problems, not listed.")


def test_a_nul_character_is_refused_with_its_line():
    files = district_entries()
    lines = files["users.csv"].split(b"\n")
    lines[2] = lines[2].replace(b",", b",\x00", 1)
    files["users.csv"] = b"\n".join(lines)
    problems = refused(zip_of(files)).problems
    assert Problem("users.csv", 3, "", errors.NUL_CHARACTER) in problems


def test_the_page_and_the_api_list_the_first_hundred_problems(client, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    operator = User.objects.create_user("op", password="x", is_superuser=True)
    client.force_login(operator)
    upload = many_bad_users(300)
    upload.name = "bad.zip"
    page = client.post("/interop/oneroster/", {"file": upload})
    assert page.status_code == 422
    total = page.context["problem_count"]
    assert total >= 300 and len(page.context["problems"]) == REPORTED_PROBLEMS
    assert f"{total - REPORTED_PROBLEMS} more problems, not listed" in page.content.decode()
    upload.seek(0)
    answer = client.post("/api/v1/oneroster/import", {"file": upload})
    assert answer.status_code == 422
    body = answer.json()
    assert len(body["problems"]) == REPORTED_PROBLEMS and body["more"] == total - REPORTED_PROBLEMS

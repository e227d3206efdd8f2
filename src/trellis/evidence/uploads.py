"""What an uploaded file really is, from its first bytes. The browser's
claimed type and the file's name are never trusted; the portfolio and the
products attached to performance tasks both decide a file's type here."""

from __future__ import annotations


def sniff(head: bytes) -> str | None:
    """The content type from magic bytes (plain text: UTF-8 with no NULs)."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if b"\x00" in head:
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        if exc.start < len(head) - 3:
            return None
    return "text/plain"

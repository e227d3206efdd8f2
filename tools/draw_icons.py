"""Draw Trellis's app icons (docs/offline.md): a white lattice on the
school-green square, as an SVG and as PNGs of the sizes a phone asks for.
Pure standard library (zlib), so that the icons can be redrawn anywhere:

    python tools/draw_icons.py
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "trellis" / "static" / "trellis" / "icons"
GREEN = (0x2F, 0x6B, 0x3A)
WHITE = (0xFF, 0xFF, 0xFF)
#: The lattice: bars at these fractions of the inner square, this thick.
BARS = (0.2, 0.5, 0.8)
THICKNESS = 0.09


def _inside_bar(u: float, v: float) -> bool:
    """Whether (u, v), in 0..1 over the inner square, falls on a bar or a
    diagonal of the lattice."""
    if not (0.0 <= u <= 1.0 and 0.0 <= v <= 1.0):
        return False
    half = THICKNESS / 2
    if any(abs(u - b) <= half for b in BARS) or any(abs(v - b) <= half for b in BARS):
        return True
    return abs(u - v) <= half * 0.8 or abs(u + v - 1.0) <= half * 0.8


def pixels(size: int, *, padding: float, rounded: bool) -> list[bytes]:
    rows = []
    radius = size * 0.18 if rounded else 0.0
    for y in range(size):
        row = bytearray([0])  # filter: none
        for x in range(size):
            cx, cy = x + 0.5, y + 0.5
            dx = max(radius - cx, 0.0, cx - (size - radius))
            dy = max(radius - cy, 0.0, cy - (size - radius))
            if rounded and dx * dx + dy * dy > radius * radius:
                row += bytes((0, 0, 0, 0))
                continue
            u = (cx / size - padding) / (1 - 2 * padding)
            v = (cy / size - padding) / (1 - 2 * padding)
            row += bytes((*(WHITE if _inside_bar(u, v) else GREEN), 255))
        rows.append(bytes(row))
    return rows


def png(size: int, *, padding: float, rounded: bool) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    raw = b"".join(pixels(size, padding=padding, rounded=rounded))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def svg() -> str:
    pad, span = 20.0, 60.0
    bars = []
    for b in BARS:
        at = pad + b * span - THICKNESS * span / 2
        bars.append(
            f'<rect x="{at:.1f}" y="{pad}" width="{THICKNESS * span:.1f}" height="{span}"/>'
        )
        bars.append(
            f'<rect x="{pad}" y="{at:.1f}" width="{span}" height="{THICKNESS * span:.1f}"/>'
        )
    width = THICKNESS * span * 0.8
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
        '<rect width="100" height="100" rx="18" fill="#2f6b3a"/>'
        f'<g fill="#fff">{"".join(bars)}</g>'
        f'<g stroke="#fff" stroke-width="{width:.1f}">'
        f'<line x1="{pad}" y1="{pad}" x2="{pad + span}" y2="{pad + span}"/>'
        f'<line x1="{pad + span}" y1="{pad}" x2="{pad}" y2="{pad + span}"/></g></svg>\n'
    )


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "trellis.svg").write_text(svg(), encoding="utf-8")
    for size in (192, 512):
        (OUT / f"trellis-{size}.png").write_bytes(png(size, padding=0.2, rounded=True))
    # Maskable: full bleed, the lattice inside the central safe zone.
    (OUT / "trellis-maskable-512.png").write_bytes(png(512, padding=0.28, rounded=False))


if __name__ == "__main__":
    main()

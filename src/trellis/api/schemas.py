from __future__ import annotations

from ninja import Schema


class ErrorOut(Schema):
    detail: str

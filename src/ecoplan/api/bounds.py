"""Bounds of every number the API accepts, so no request reaches the database with an integer
it cannot hold (SQLite: ``OverflowError``; PostgreSQL: "bigint out of range") — issue 13.

Offsets (``LIMIT … OFFSET``) are signed 64-bit in both databases: at most :data:`DB_INT_MAX`
= 2^63 − 1. Row ids are ``Integer`` columns — 32-bit ``integer`` on PostgreSQL — so an id is
at most :data:`ROW_ID_MAX` = 2^31 − 1 (the same answer, 404 or 422, on both databases). Routes
declare ids as ``item_id: RowId`` and offsets with :func:`offset_query`; a larger number is a
422 naming the parameter. The test
``tests/security/test_bounds.py`` walks the OpenAPI document and fails on any integer
parameter without a maximum, and :func:`install` answers 422 (not 500) should a number still
slip through (e.g. one inside a file).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import FastAPI, Path, Query, Request
from fastapi.responses import Response
from sqlalchemy.exc import DataError

DB_INT_MAX = 2**63 - 1
ROW_ID_MAX = 2**31 - 1

#: A row id in a path (``/items/{item_id}``): 1 … 2^31 − 1.
RowId = Annotated[int, Path(ge=1, le=ROW_ID_MAX, description="id (1 … 2^31−1)")]


def offset_query(description: str = "items to skip") -> Any:
    """``offset: int = offset_query()``: 0 … 2^63 − 1."""
    return Query(0, ge=0, le=DB_INT_MAX, description=f"{description} (0 … 2^63−1)")


async def _out_of_range(request: Request, exc: Exception) -> Response:
    from ecoplan.api.errors import ApiError, respond

    return respond(
        request,
        ApiError(
            422,
            "提交的数值超出允许范围（或文本过长），请检查后重试",
            "A number sent is out of the range the database holds (or a text is too long)",
            code="out_of_range",
        ),
    )


def install(app: FastAPI) -> None:
    """Answer 422 to a value the database refuses (``OverflowError``, ``DataError``)."""
    app.add_exception_handler(OverflowError, _out_of_range)
    app.add_exception_handler(DataError, _out_of_range)

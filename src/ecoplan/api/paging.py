"""The one paging envelope of every list: ``{"items": [...], "total": N, "limit": L, "offset": O}``.

Routes take ``p: PageParams = Depends(page_params)`` and return ``page(items, total, p)`` (the
store already paged) or ``page_of(all_items, p)`` (a short list paged here).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel

from ecoplan.api.bounds import offset_query

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 1000


class Page(BaseModel, Generic[T]):
    """One page of a list (OpenAPI schema of every list response)."""

    items: list[T]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True)
class PageParams:
    limit: int = DEFAULT_LIMIT
    offset: int = 0


def page_params(
    limit: int = Query(
        DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"items per page (1–{MAX_LIMIT})"
    ),
    offset: int = offset_query(),
) -> PageParams:
    return PageParams(limit, offset)


def page(items: Sequence[Any], total: int, p: PageParams) -> dict[str, Any]:
    """The envelope for *items* (already one page) out of *total*."""
    return {"items": list(items), "total": total, "limit": p.limit, "offset": p.offset}


def page_of(items: Sequence[Any], p: PageParams) -> dict[str, Any]:
    """Page an in-memory list."""
    return page(items[p.offset : p.offset + p.limit], len(items), p)

"""Downloads: every chart and table of the pages as a named *dataset*, one endpoint for all.

``GET /data/{name}?format=csv|xlsx|json&<the page's own parameters>`` answers the data behind
one chart or table (the same functions the page and the JSON API use), as CSV, an Excel
workbook (frozen header row, autofilter) or JSON (``{"title", "columns", "rows"}``). A dataset
is guarded by the same permission as its page: the public portal's datasets are open to
everyone, the rest need a login. ``GET /data`` lists the datasets and their parameters.

A module adds a dataset with :func:`dataset`::

    @dataset("air-daily", "日空气质量", params=("city", "year"))
    def air_daily(ctx: DataContext) -> Table: ...

and a page links it with the ``downloads`` macro of ``data_macros.html``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from ecoplan.api.errors import ApiError, not_found
from ecoplan.api.permissions import READ, Principal
from ecoplan.report.tabular import Table
from ecoplan.store.db import Store

FORMATS = ("csv", "xlsx", "json")
FORMAT_MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
_CODE = re.compile(r"^\d{6}$")
_SAFE_NAME = re.compile(r'[\\/:*?"<>|\s]+')


@dataclass(frozen=True)
class DataContext:
    """What a dataset builder receives: the store, the caller and the query parameters."""

    store: Store
    user: Principal | None
    params: Mapping[str, str]
    lang: str = "zh"

    def get(self, name: str) -> str | None:
        v = self.params.get(name)
        return v if v not in (None, "") else None

    def code(self, name: str, default: str | None = None) -> str | None:
        """A six-digit region code parameter (GB/T 2260), else *default*."""
        v = self.get(name)
        if v is None:
            return default
        if not _CODE.match(v):
            raise ApiError(
                422,
                f"参数 {name} 应为六位行政区划代码，收到 {v!r}",
                f"{name} must be a six-digit region code, got {v!r}",
                fields=[{"loc": f"query.{name}", "message": "six digits"}],
            )
        return v

    def year(self, name: str = "year") -> int | None:
        """A year parameter (1900–2200), else ``None``."""
        v = self.get(name)
        if v is None:
            return None
        if not v.isdigit() or not 1900 <= int(v) <= 2200:
            raise ApiError(
                422,
                f"参数 {name} 应为 1900—2200 之间的年份，收到 {v!r}",
                f"{name} must be a year between 1900 and 2200, got {v!r}",
                fields=[{"loc": f"query.{name}", "message": "a year 1900-2200"}],
            )
        return int(v)

    def required(self, name: str) -> str:
        v = self.get(name)
        if v is None:
            raise ApiError(
                422,
                f"缺少参数 {name}",
                f"parameter {name} is required",
                fields=[{"loc": f"query.{name}", "message": "required"}],
            )
        return v


Builder = Callable[[DataContext], Table]


@dataclass(frozen=True)
class Dataset:
    name: str
    title_zh: str
    params: tuple[str, ...]
    action: str
    build: Builder


DATASETS: dict[str, Dataset] = {}


def dataset(
    name: str, title_zh: str, *, params: tuple[str, ...] = (), action: str = READ
) -> Callable[[Builder], Builder]:
    """Register the decorated builder as dataset *name* (guarded by permission *action*)."""

    def register(fn: Builder) -> Builder:
        if name in DATASETS:
            raise ValueError(f"dataset {name!r} is registered twice")
        DATASETS[name] = Dataset(name, title_zh, params, action, fn)
        return fn

    return register


def get_dataset(name: str) -> Dataset:
    ds = DATASETS.get(name)
    if ds is None:
        raise not_found(f"数据集 {name}", f"Dataset {name!r}")
    return ds


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise ApiError(
            422,
            f"格式 {fmt!r} 无效（可选：csv、xlsx、json）",
            f"format {fmt!r} is not one of csv, xlsx, json",
            fields=[{"loc": "query.format", "message": "csv | xlsx | json"}],
        )
    return fmt


def file_name(title: str, fmt: str) -> str:
    """A download name from the table's title (spaces and path characters → ``_``)."""
    return _SAFE_NAME.sub("_", title).strip("_")[:120] + "." + fmt


def content_disposition(name: str, fallback: str) -> str:
    """``attachment`` with an ASCII fallback and the UTF-8 name (RFC 6266 / RFC 5987)."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"


def data_url(name: str, fmt: str, params: Mapping[str, Any]) -> str:
    """``/data/{name}?format=…&…`` with the non-empty *params* the dataset reads."""
    ds = get_dataset(name)
    q = {k: str(v) for k, v in params.items() if k in ds.params and v not in (None, "")}
    return f"/data/{name}?" + urlencode({"format": fmt} | q)

"""``/data``: the downloads of every chart and table (:mod:`ecoplan.api.datasets`).

Importing this module registers the datasets of :mod:`ecoplan.api.datasets_airwater` and
:mod:`ecoplan.api.datasets_assessment`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from ecoplan.api import datasets_airwater, datasets_assessment, templating  # noqa: F401
from ecoplan.api.datasets import (
    DATASETS,
    FORMAT_MEDIA,
    DataContext,
    check_format,
    content_disposition,
    data_url,
    file_name,
    get_dataset,
)
from ecoplan.api.deps import get_store, require
from ecoplan.api.models import ERRORS
from ecoplan.api.permissions import ACTIONS
from ecoplan.api.templating import lang_of
from ecoplan.report.tabular import to_csv, to_xlsx
from ecoplan.store.db import Store

router = APIRouter(tags=["downloads 数据下载"], responses=ERRORS)


@router.get("/data", summary="Downloadable datasets 可下载的数据集")
def datasets_route() -> dict[str, Any]:
    """Every dataset: its name, Chinese title, the query parameters it reads and whether it
    is public (no login)."""
    return {
        "items": [
            {
                "name": d.name,
                "title_zh": d.title_zh,
                "params": list(d.params),
                "public": ACTIONS[d.action].anonymous,
            }
            for d in DATASETS.values()
        ]
    }


@router.get("/data/{name}", summary="One chart's or table's data 图表数据下载")
def data_route(
    request: Request,
    name: str,
    format: str = Query("csv", description="csv | xlsx | json"),
    store: Store = Depends(get_store),
) -> Response:
    """The data behind one chart or table, with the page's own query parameters (see
    ``GET /data``): CSV (UTF-8 with BOM), Excel (frozen header, autofilter) or JSON."""
    ds = get_dataset(name)
    fmt = check_format(format)
    auth = require(ds.action)(request)
    ctx = DataContext(store, auth.user, request.query_params, lang_of(request))
    table = ds.build(ctx)
    if fmt == "json":
        return JSONResponse(table.to_json() | {"name": name})
    body = to_csv(table) if fmt == "csv" else to_xlsx(table)
    headers = {
        "content-disposition": content_disposition(file_name(table.title, fmt), f"{name}.{fmt}")
    }
    return Response(body, media_type=FORMAT_MEDIA[fmt], headers=headers)


def link_url(path: str, params: dict[str, Any]) -> str:
    """*path* with the non-empty *params* as its query string (the permalink macro)."""
    q = {k: str(v) for k, v in params.items() if v not in (None, "")}
    return path + ("?" + urlencode(q) if q else "")


templating.env.globals.update(data_url=data_url, link_url=link_url)

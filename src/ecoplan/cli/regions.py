"""``ecoplan region …``: the GB/T 2260 divisions of Inner Mongolia."""

from __future__ import annotations

from enum import StrEnum

import typer
from rich.table import Table

from ecoplan.cli.common import console, open_store, print_json
from ecoplan.store.regions import list_regions

region_app = typer.Typer(
    help="行政区划 Regions: 内蒙古自治区 → 12 盟市 → 103 旗县(市、区), GB/T 2260 codes."
)

LEVEL_ZH = {"province": "自治区", "prefecture": "盟市", "county": "旗县(市、区)"}


class Fmt(StrEnum):
    table = "table"
    json = "json"


@region_app.command("list")
def list_cmd(
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f", help="table (for people) or json"),
    level: str | None = typer.Option(None, help="only this level: province | prefecture | county"),
    parent: str | None = typer.Option(None, help="only the children of this region code"),
) -> None:
    """List regions with code, Chinese and English name, level and parent."""
    store = open_store()
    with store.session() as s:
        rows = list_regions(s, level=level, parent=parent)
    if fmt is Fmt.json:
        print_json(rows)
        return
    table = Table(title=f"行政区划 Regions ({len(rows)})")
    for col in ("代码 code", "名称", "name", "级别 level", "上级 parent"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            r["code"],
            r["name_zh"],
            r["name_en"],
            LEVEL_ZH.get(r["level"], r["level"]),
            r["parent"] or "",
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(region_app, name="region")

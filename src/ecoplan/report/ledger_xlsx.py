"""Rectification ledgers as the Excel workbook officials keep: one row per item, Chinese
headers (:data:`ecoplan.model.ledger.COLUMNS`), a statistics sheet with the sentences of
:func:`ecoplan.store.ledger.statistics`, and a sheet explaining the columns and statuses.

The sheet ``整改台账`` reads back with :func:`ecoplan.ingest.ledger_xlsx.import_ledger`
(derived columns — 序号, 地区, 是否逾期, 佐证材料 — are ignored on import).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ecoplan.model.cells import harden_workbook
from ecoplan.model.ledger import (
    COLUMNS,
    KIND_ZH,
    STATUS_ZH,
    TRANSITIONS,
    Kind,
    Status,
    status_zh,
)

SHEET = "整改台账"
HEAD_FILL = PatternFill("solid", fgColor="1F4E79")
HEAD_FONT = Font(bold=True, color="FFFFFF")
OVERDUE_FILL = PatternFill("solid", fgColor="FDE2E0")
CLOSED_FILL = PatternFill("solid", fgColor="E6F2EA")
DATE_FORMAT = "yyyy-mm-dd"


def _yes_no(v: Any) -> str:
    return "是" if v else "否"


def _date(v: str | None) -> date | None:
    if not v:
        return None
    return datetime.fromisoformat(v).date()


def cell_values(item: dict[str, Any], seq: int) -> list[Any]:
    """The row of one item (a dict of :func:`ecoplan.store.ledger.items_for_export`)."""
    out: list[Any] = []
    for c in COLUMNS:
        k = c.key
        if k == "seq":
            v: Any = seq
        elif k == "kind":
            v = KIND_ZH[item["kind"]]
        elif k == "status":
            v = status_zh(item["status"], item["kind"])
        elif k in ("stage_achieved", "overdue", "reconstructed"):
            v = _yes_no(item.get(k))
        elif k in ("deadline", "closed_at"):
            v = _date(item.get(k))
        elif k == "evidence_names":
            v = "；".join(item.get("evidence_names") or []) or None
        else:
            v = item.get(k)
        out.append(v)
    return out


def write_ledger_xlsx(
    items: list[dict[str, Any]],
    path: str | Path,
    *,
    stats: dict[str, Any] | None = None,
    title: str | None = None,
    today: date | None = None,
) -> None:
    """Write *items* to *path* as the ledger workbook.

    Parameters
    ----------
    items : dicts of :func:`ecoplan.store.ledger.items_for_export` (``overdue`` as of *today*).
    stats : :func:`ecoplan.store.ledger.statistics` of the same selection, for the 统计 sheet.
    title : the first row's title (default 生态环境保护督察整改台账).
    today : the date the overdue column refers to (default: the current date).
    """
    today = today or date.today()
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append([f"{title or '生态环境保护督察整改台账'}（导出日期 {today.isoformat()}）"])
    ws["A1"].font = Font(bold=True, size=14)
    for j, c in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=2, column=j, value=c.zh)
        cell.fill, cell.font = HEAD_FILL, HEAD_FONT
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(j)].width = c.width
    date_cols = [j for j, c in enumerate(COLUMNS, start=1) if c.key in ("deadline", "closed_at")]
    for i, item in enumerate(items, start=1):
        ws.append(cell_values(item, i))
        r = ws.max_row
        for j in date_cols:
            ws.cell(row=r, column=j).number_format = DATE_FORMAT
        fill = (
            OVERDUE_FILL
            if item.get("overdue")
            else (CLOSED_FILL if item["status"] == Status.CLOSED else None)
        )
        if fill is not None:
            for j in range(1, len(COLUMNS) + 1):
                ws.cell(row=r, column=j).fill = fill
    ws.freeze_panes = "C3"
    ws.auto_filter.ref = f"A2:{get_column_letter(len(COLUMNS))}{max(ws.max_row, 2)}"

    if stats is not None:
        _stats_sheet(wb.create_sheet("统计"), stats)
    _notes_sheet(wb.create_sheet("说明"), today)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    harden_workbook(wb)  # user text is text, never a formula
    wb.save(str(path))


def _stats_sheet(ws: Any, stats: dict[str, Any]) -> None:
    ws.append([f"台账统计（截至 {stats['today']}）"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([stats["sentence_zh"]])
    ws.append([])
    head = ["督察轮次/来源", "类型", "总数", "已登记", "整改中", "已完成（待销号）", "已销号"]
    head += ["阶段性成效", "逾期", "表述"]
    ws.append(head)
    for j, width in enumerate((30, 10, 8, 8, 8, 14, 8, 10, 8, 70), start=1):
        c = ws.cell(row=4, column=j)
        c.fill, c.font = HEAD_FILL, HEAD_FONT
        ws.column_dimensions[get_column_letter(j)].width = width
    for g in stats["groups"]:
        n = g["counts"]
        ws.append(
            [
                g["round"] or "",
                g["kind_zh"],
                n["total"],
                n["registered"],
                n["in_progress"],
                n["completed"],
                n["closed"],
                n["stage_achieved"],
                n["overdue"],
                g["sentence_zh"],
            ]
        )


def _notes_sheet(ws: Any, today: date) -> None:
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 90
    ws.append(
        ["说明", "ecoplan 导出的整改台账：一事一行；再次导入时按“编号”匹配，未变化的行不改动。"]
    )
    ws["A1"].font = Font(bold=True)
    ws.append([])
    ws.append(["列", "含义"])
    meanings = {
        "seq": "行号（导入时忽略）",
        "kind": "、".join(KIND_ZH[k] for k in Kind),
        "region_code": "GB/T 2260 行政区划代码（责任盟市或旗县）",
        "region_name": "由地区代码得出（导入时忽略）",
        "deadline": "YYYY-MM-DD",
        "status": "、".join(STATUS_ZH[s] for s in Status) + "（信访举报：已办结）",
        "overdue": f"截至 {today.isoformat()} 超过整改时限且未完成（由时限得出，导入时忽略）",
        "stage_achieved": "是/否：未完成事项取得阶段性成效",
        "completed_by": "申请销号（完成整改）的账号或人员",
        "closed_by": "审核销号的账号或人员（须为上级，且未参与该事项整改）",
        "evidence_names": "已上传的佐证材料文件名（文件本身不随表格导出，导入时忽略）",
        "reconstructed": "是：示例数据，据公开文件所载总数重建，各项内容为占位",
    }
    for c in COLUMNS:
        ws.append([c.zh, meanings.get(c.key, c.en)])
    ws.append([])
    ws.append(
        [
            "状态流转",
            "；".join(
                f"{STATUS_ZH[t.source]} → {STATUS_ZH[t.target]}：{t.zh}" for t in TRANSITIONS
            ),
        ]
    )

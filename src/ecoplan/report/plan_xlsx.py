"""Plans as an Excel workbook an official can open and read: one sheet per plan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ecoplan.model.cells import harden_workbook

HEAD_FILL = PatternFill("solid", fgColor="1F4E79")
HEAD_FONT = Font(bold=True, color="FFFFFF")
BINDING_ZH = {"binding": "约束性", "expected": "预期性"}
DIRECTION_ZH = {"higher": "越高越好", "lower": "越低越好", "reach": "达到目标值"}
KIND_ZH = {"reach": "到期达到", "maintain": "保持"}

INDICATOR_COLUMNS = [
    ("指标代码", 18),
    ("指标名称", 34),
    ("Indicator", 34),
    ("类别", 14),
    ("属性", 8),
    ("单位", 12),
    ("方向", 10),
    ("地区", 14),
    ("类型", 8),
    ("年份", 7),
    ("比较", 6),
    ("数值", 10),
    ("原文", 48),
    ("来源文件", 28),
]


def _sheet_title(plan_id: str, used: set[str]) -> str:
    base = plan_id[:31]
    title, i = base, 2
    while title in used:
        suffix = f"-{i}"
        title, i = base[: 31 - len(suffix)] + suffix, i + 1
    used.add(title)
    return title


def _header(ws: Any, row: int, columns: list[tuple[str, int]]) -> None:
    for j, (name, width) in enumerate(columns, start=1):
        c = ws.cell(row=row, column=j, value=name)
        c.fill, c.font = HEAD_FILL, HEAD_FONT
        c.alignment = Alignment(vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(j)].width = max(
            ws.column_dimensions[get_column_letter(j)].width or 0, width
        )


def write_plans_xlsx(
    plans: list[dict[str, Any]], path: str | Path, region_names: dict[str, str] | None = None
) -> None:
    """Write *plans* (the export dicts of :func:`ecoplan.store.plans.plan_to_dict`) to *path*."""
    names = region_names or {}
    wb = Workbook()
    cover = wb.active
    cover.title = "说明"
    cover.append(["生态环境保护规划指标与任务（ecoplan 导出）"])
    cover["A1"].font = Font(bold=True, size=14)
    cover.append([])
    _header(
        cover,
        3,
        [("工作表", 24), ("规划名称", 48), ("期限", 12), ("发布机关", 30), ("来源文件", 40)],
    )
    used: set[str] = {"说明"}
    for p in plans:
        title = _sheet_title(p["id"], used)
        cover.append(
            [
                title,
                p["title_zh"],
                f"{p['period_start']}–{p['period_end']}",
                p["issuer_zh"],
                p["source_doc"],
            ]
        )
        ws = wb.create_sheet(title)
        ws.append([p["title_zh"]])
        ws["A1"].font = Font(bold=True, size=14)
        ws.append(
            [f"{p['issuer_zh']}　{p['period_start']}–{p['period_end']}　来源：{p['source_doc']}"]
        )
        if p.get("notes_zh"):
            ws.append([p["notes_zh"]])
        ws.append([])
        start = ws.max_row + 1
        _header(ws, start, INDICATOR_COLUMNS)
        cats = {c["code"]: c["name_zh"] for c in p["indicator_categories"]}
        order = {"binding": 0, "expected": 1, None: 2}
        for ind in sorted(p["indicators"], key=lambda i: order[i["binding"]]):
            common = [
                ind["code"],
                ind["name_zh"],
                ind["name_en"],
                cats.get(ind["category"] or "", ""),
                BINDING_ZH.get(ind["binding"] or "", ""),
                ind["unit"],
                DIRECTION_ZH[ind["direction"]],
            ]
            rows: list[list[Any]] = []
            for b in ind["baselines"]:
                rows.append(
                    [
                        names.get(b["region_code"], b["region_code"]),
                        "基准值",
                        b["year"],
                        "",
                        b["value"],
                        b["quote"],
                        b["source_file"],
                    ]
                )
            for t in ind["targets"]:
                rows.append(
                    [
                        names.get(t["region_code"], t["region_code"]),
                        "目标值" + ("（保持）" if t["kind"] == "maintain" else ""),
                        t["year"],
                        t["comparator"],
                        t["value"],
                        t["quote"],
                        t["source_file"],
                    ]
                )
            for q in ind["qualitative_targets"]:
                rows.append(
                    [
                        names.get(q["region_code"], q["region_code"]),
                        "定性目标",
                        q["year"],
                        "",
                        q["text_zh"],
                        q["quote"],
                        q["source_file"],
                    ]
                )
            if not rows:
                src = ind.get("source") or {}
                rows.append(
                    ["", "（无数值）", "", "", "", src.get("quote", ""), src.get("file", "")]
                )
            for r in rows:
                ws.append(common + r)
        ws.freeze_panes = ws.cell(row=start + 1, column=3)
        if p["tasks"]:
            ws.append([])
            trow = ws.max_row + 1
            _header(
                ws,
                trow,
                [
                    ("任务代码", 18),
                    ("类型", 34),
                    ("任务", 34),
                    ("牵头单位", 14),
                    ("上级", 8),
                    ("完成年限", 12),
                    ("原文", 10),
                ],
            )
            kind_zh = {
                "chapter": "章",
                "key_task": "重点任务",
                "work_area": "工作领域",
                "major_project": "重大工程",
                "task": "任务",
            }
            for t in p["tasks"]:
                ws.append(
                    [
                        t["code"],
                        kind_zh.get(t["kind"], t["kind"]),
                        t["title_zh"],
                        "、".join(t["lead_departments"]),
                        t["parent"] or "",
                        t["deadline_year"] or "",
                        t["quote"] or "",
                    ]
                )
        for row in ws.iter_rows(min_row=start + 1):
            for c in row:
                c.alignment = Alignment(vertical="top", wrap_text=True)
    harden_workbook(wb)  # user text is text, never a formula
    wb.save(Path(path))

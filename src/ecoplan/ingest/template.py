"""The Excel template an official fills with yearly indicator values
(``ecoplan template indicators --out F.xlsx``).

Sheet 1 ``填报 data``: the header row (Chinese and the code, e.g. ``指标代码 indicator_code``),
drop-down lists on the indicator and region columns; the importer reads this sheet.
Sheet 2 ``指标 indicators``: every indicator code with its Chinese name, unit and plan.
Sheet 3 ``地区 regions``: every region code with its name and level.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from ecoplan.model.cells import harden_workbook

HEADER: tuple[tuple[str, str, str], ...] = (
    ("指标代码", "indicator_code", "必填，见“指标”表"),
    ("地区代码", "region_code", "必填，GB/T 2260 六位代码，见“地区”表"),
    ("年份", "year", "必填，如 2023"),
    ("数值", "value", "必填，按指标单位填写"),
    ("单位", "unit", "选填，须与指标单位一致"),
    ("规划", "plan_id", "选填；指标属于多个规划时必填"),
    ("备注", "note", "选填：数据来源等"),
)
LEVEL_ZH = {"province": "自治区", "prefecture": "盟市", "county": "旗县(市、区)"}


def write_indicator_template(
    path: str | Path, catalog: pd.DataFrame, regions: list[dict[str, Any]], *, rows: int = 500
) -> Path:
    """Write the template to *path*.

    *catalog* is :func:`ecoplan.store.monitoring.indicator_catalog`; *regions* the dicts of
    :func:`ecoplan.store.regions.list_regions`. Drop-down lists cover the first *rows* data rows.
    """
    p = Path(path)
    wb = Workbook()
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")

    ws = wb.active
    assert ws is not None
    ws.title = "填报 data"
    ws.append([f"{zh} {code}" for zh, code, _ in HEADER])
    for i, (_, _, hint) in enumerate(HEADER, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font, cell.fill = bold, fill
        ws.column_dimensions[cell.column_letter].width = max(16, len(hint) + 4)
    ws.freeze_panes = "A2"

    ind = wb.create_sheet("指标 indicators")
    ind.append(["指标代码 code", "指标名称 name", "单位 unit", "规划 plan_id", "规划名称 plan"])
    for r in catalog.itertuples(index=False):
        ind.append([r.code, r.name_zh, r.unit, r.plan_id, r.plan_title_zh])
    reg = wb.create_sheet("地区 regions")
    reg.append(["地区代码 code", "名称 name", "级别 level"])
    for r in regions:
        reg.append([r["code"], r["name_zh"], LEVEL_ZH.get(r["level"], r["level"])])
    for sheet in (ind, reg):
        for cell in sheet[1]:
            cell.font, cell.fill = bold, fill
        sheet.freeze_panes = "A2"
        sheet.column_dimensions["A"].width = 28
        sheet.column_dimensions["B"].width = 40

    last = rows + 1
    if len(catalog):
        dv = DataValidation(
            type="list",
            formula1=f"='指标 indicators'!$A$2:$A${len(catalog) + 1}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="指标代码",
            error="请从“指标”表选择指标代码",
        )
        ws.add_data_validation(dv)
        dv.add(f"A2:A{last}")
    if regions:
        dv2 = DataValidation(
            type="list",
            formula1=f"='地区 regions'!$A$2:$A${len(regions) + 1}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="地区代码",
            error="请从“地区”表选择地区代码",
        )
        ws.add_data_validation(dv2)
        dv2.add(f"B2:B{last}")
    dv3 = DataValidation(type="whole", operator="between", formula1="1949", formula2="2100")
    ws.add_data_validation(dv3)
    dv3.add(f"C2:C{last}")
    harden_workbook(wb)
    wb.save(p)
    return p

"""CLI: ``ecoplan water …`` — surface-water classes by GB 3838-2002.

The sub-app :data:`water_app` is importable so other modules can add commands to it
(``water evaluate`` is added elsewhere).
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from ecoplan.standards.water import (
    CLASS_ZH,
    WATER_ITEMS,
    WaterClassResult,
    WaterInputError,
    classify,
)
from ecoplan.standards.water_tables import TARGET_CLASSES

water_app = typer.Typer(
    name="water",
    help="地表水水质类别 surface-water quality classes (GB 3838-2002).",
    no_args_is_help=True,
)


def _opt(flag: str, code: str) -> object:
    item = WATER_ITEMS[code]
    unit = "" if item.unit == "无量纲" else f", {item.unit}"
    return typer.Option(flag, help=f"{item.name_zh} {code}{unit}", show_default=False)


def _fmt(value: float) -> str:
    return f"{value:g}"


def _item_label(code: str) -> str:
    return f"{code} {WATER_ITEMS[code].name_zh}"


def _json_payload(result: WaterClassResult, target: str) -> dict[str, object]:
    return {
        "water_class": result.water_class,
        "water_class_zh": result.class_zh,
        "grade_zh": result.grade_zh,
        "waterbody": result.waterbody,
        "item_classes": result.item_classes,
        "deciding_items": result.deciding_items,
        "target_class": target,
        "exceedances": result.exceedances(target),
        "failing_items": result.failing_items(target),
        "skipped": result.skipped,
    }


def _print_text(result: WaterClassResult, target: str) -> None:
    body = "湖、库 lake/reservoir" if result.waterbody == "lake" else "河流 river"
    typer.echo(
        f"水质类别 water class: {result.class_zh} ({result.water_class}) — {result.grade_zh}"
        f"  [{body}]"
    )
    deciding = ", ".join(
        f"{_item_label(c)} {_fmt(result.values[c])} {WATER_ITEMS[c].unit}"
        for c in result.deciding_items
    )
    typer.echo(f"定类指标 deciding items: {deciding}")
    typer.echo("单项类别 item classes:")
    for code, cls in result.item_classes.items():
        item = WATER_ITEMS[code]
        typer.echo(
            f"  {_item_label(code)}: {_fmt(result.values[code])} {item.unit} → {CLASS_ZH[cls]}"
        )
    failing = result.failing_items(target)
    multiples = result.exceedances(target)
    if not failing:
        typer.echo(f"达标 meets target {CLASS_ZH[target]} ({target})")
    else:
        typer.echo(f"超标 worse than target {CLASS_ZH[target]} ({target}):")
        for code in failing:
            if code in multiples:
                typer.echo(f"  {_item_label(code)}: 超标倍数 {multiples[code]:.3g}")
            else:
                cls = CLASS_ZH[result.item_classes[code]]
                typer.echo(f"  {_item_label(code)}: {cls}（不计倍数）")
    for code, why in result.skipped.items():
        typer.echo(f"未参评 not evaluated: {_item_label(code)} — {why}")


@water_app.command("classify")
def classify_cmd(
    ph: Annotated[float | None, _opt("--ph", "pH")] = None,
    do_: Annotated[float | None, _opt("--do", "DO")] = None,
    codmn: Annotated[float | None, _opt("--codmn", "CODMn")] = None,
    cod: Annotated[float | None, _opt("--cod", "COD")] = None,
    bod5: Annotated[float | None, _opt("--bod5", "BOD5")] = None,
    nh3n: Annotated[float | None, _opt("--nh3n", "NH3N")] = None,
    tp: Annotated[float | None, _opt("--tp", "TP")] = None,
    tn: Annotated[float | None, _opt("--tn", "TN")] = None,
    cu: Annotated[float | None, _opt("--cu", "Cu")] = None,
    zn: Annotated[float | None, _opt("--zn", "Zn")] = None,
    f: Annotated[float | None, _opt("--f", "F")] = None,
    se: Annotated[float | None, _opt("--se", "Se")] = None,
    as_: Annotated[float | None, _opt("--as", "As")] = None,
    hg: Annotated[float | None, _opt("--hg", "Hg")] = None,
    cd: Annotated[float | None, _opt("--cd", "Cd")] = None,
    cr6: Annotated[float | None, _opt("--cr6", "Cr6")] = None,
    pb: Annotated[float | None, _opt("--pb", "Pb")] = None,
    cn: Annotated[float | None, _opt("--cn", "CN")] = None,
    phenol: Annotated[float | None, _opt("--phenol", "phenol")] = None,
    oil: Annotated[float | None, _opt("--oil", "oil")] = None,
    las: Annotated[float | None, _opt("--las", "LAS")] = None,
    sulfide: Annotated[float | None, _opt("--sulfide", "sulfide")] = None,
    fecal_coliform: Annotated[float | None, _opt("--fecal-coliform", "fecal_coliform")] = None,
    do_saturation: Annotated[
        float | None,
        typer.Option(
            "--do-saturation",
            help="溶解氧饱和率 DO saturation, %; ≥ 90 % gives DO class Ⅰ (Table 1 item 3)",
            show_default=False,
        ),
    ] = None,
    lake: Annotated[
        bool, typer.Option("--lake", help="湖、库 lake or reservoir (TP/TN limits)")
    ] = False,
    all_items: Annotated[
        bool,
        typer.Option(
            "--all-items",
            help="参评全部项目: add 粪大肠菌群 and (lakes) 总氮 to the 21 national items",
        ),
    ] = False,
    target: Annotated[
        str, typer.Option("--target", help="目标类别 target class for 超标倍数: I–V")
    ] = "III",
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """单因子评价 classify one sample by the single-factor rule (GB 3838-2002 §5.1)."""
    given = {
        "pH": ph,
        "DO": do_,
        "CODMn": codmn,
        "COD": cod,
        "BOD5": bod5,
        "NH3N": nh3n,
        "TP": tp,
        "TN": tn,
        "Cu": cu,
        "Zn": zn,
        "F": f,
        "Se": se,
        "As": as_,
        "Hg": hg,
        "Cd": cd,
        "Cr6": cr6,
        "Pb": pb,
        "CN": cn,
        "phenol": phenol,
        "oil": oil,
        "LAS": las,
        "sulfide": sulfide,
        "fecal_coliform": fecal_coliform,
    }
    sample = {k: v for k, v in given.items() if v is not None}
    if target not in TARGET_CLASSES:
        typer.echo(
            f"错误 error: --target must be one of {', '.join(TARGET_CLASSES)}, got {target!r}",
            err=True,
        )
        raise typer.Exit(code=2)
    try:
        result = classify(
            sample,
            "lake" if lake else "river",
            "all" if all_items else "national",
            do_saturation=do_saturation,
        )
    except WaterInputError as exc:
        typer.echo(f"错误 error: {exc}", err=True)
        raise typer.Exit(code=2) from exc
    if as_json:
        typer.echo(json.dumps(_json_payload(result, target), ensure_ascii=False, indent=2))
    else:
        _print_text(result, target)


def register(app: typer.Typer) -> None:
    """Register the ``water`` sub-app on *app*."""
    app.add_typer(water_app, name="water")

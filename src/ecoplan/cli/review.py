"""``ecoplan review outliers``: reported indicator values far from their region's own history
(z-score), for the reviewer before approval (docs/validation.md)."""

from __future__ import annotations

import typer
from rich.table import Table

from ecoplan.cli.common import console, open_store, print_json

review_app = typer.Typer(
    help="审核 Review of reported indicator values: outlier flags (z-score over the region's "
    "history).",
    no_args_is_help=True,
)


@review_app.command("outliers")
def outliers_cmd(
    z: float = typer.Option(3.0, "--z", help="flag when |z| exceeds this"),
    min_history: int = typer.Option(4, "--min-history", help="other years needed for a z-score"),
    json_out: bool = typer.Option(False, "--json", help="print the flagged values as JSON"),
) -> None:
    """List the imported values whose z-score against the same indicator and region's other
    years exceeds --z (mean and sample standard deviation of the other years)."""
    from ecoplan.ingest.indicator_rules import outliers
    from ecoplan.store.monitoring import indicator_values_frame

    store = open_store()
    try:
        with store.session() as ses:
            df = indicator_values_frame(ses)
    finally:
        store.dispose()
    df = df[df["source_kind"] == "imported"]
    got = outliers(df, z=z, min_history=min_history)
    if json_out:
        print_json(got.to_dict(orient="records"))
        return
    t = Table(title=f"异常值（|z| > {z:g}，同一地区其他年份）")
    for col in ("指标", "地区", "年", "值", "其他年份均值", "标准差", "z"):
        t.add_column(col)
    for r in got.itertuples(index=False):
        t.add_row(r.indicator_code, r.region_code, str(r.year), f"{r.value:g}",
                  f"{r.mean:.4g}", f"{r.std:.4g}", f"{r.z:+.2f}")  # fmt: skip
    console.print(t)
    console.print(f"{len(got)} 个值需复核 values to review")


def register(app: typer.Typer) -> None:
    app.add_typer(review_app, name="review")

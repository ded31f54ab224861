"""The baseline forecast: climatology and persistence by hand, no look-ahead, storage apart
from the imported forecasts, and the models trained and scored on the demo data with skill
against persistence."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select

from ecoplan.config import settings
from ecoplan.demo.run import generate_demo, load_demo
from ecoplan.forecast.baseline import (
    BaselineError,
    climatology,
    forecast_frame,
    make_baseline,
    stored_baseline,
)
from ecoplan.forecast.verify import verify
from ecoplan.store import warehouse
from ecoplan.store.db import Store
from ecoplan.store.schema_forecast import AqiForecastBaseline
from ecoplan.store.schema_warn import AqiForecast

from .conftest import PM25_FOR_AQI, daily_pm25_warehouse

D = dt.date


def _observed(city: str, start: D, values: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region_code": city,
            "date": pd.date_range(pd.Timestamp(start), periods=len(values), freq="D"),
            "aqi": np.asarray(values, dtype="float64"),
        }
    )


def test_climatology_pools_a_circular_window() -> None:
    days = pd.date_range("2021-01-01", "2022-12-31", freq="D")
    vals = np.full(len(days), 50.0)
    vals[days.day_of_year == 1] = 110.0  # 1 Jan both years
    train = pd.DataFrame({"A": vals}, index=days)
    clim = climatology(train, half_window=1)
    # day 1 pools day 366 (only 2020/2024 have it: none here), 1 and 2 → (110·2 + 50·2) / 4
    assert clim[0, 0] == pytest.approx((110 * 2 + 50 * 2) / 4)
    # day 365 pools 364, 365 and (wrapping) 366: 50; day 2 pools 1, 2, 3
    assert clim[364, 0] == pytest.approx(50.0)
    assert clim[1, 0] == pytest.approx((110 * 2 + 50 * 4) / 6)
    assert np.isnan(climatology(train * np.nan)[10, 0])


def test_persistence_and_no_look_ahead() -> None:
    """Persistence is the AQI of I − 1 for every lead; what happens on or after the issue
    date never changes that issue's forecasts (GBM included)."""
    rng = np.random.default_rng(1)
    start = D(2019, 1, 1)
    n = 3 * 365
    t = np.arange(n)
    base = 90 + 40 * np.cos(2 * np.pi * t / 365.25) + rng.normal(0, 15, n)
    obs = _observed("150200", start, list(base))
    issue = start + dt.timedelta(days=2 * 365)
    f1, rows = forecast_frame(obs, ["150200"], issue, issue, leads=3, train_years=2)
    assert min(rows.values()) > 500
    pers = f1[f1["model"] == "persistence"]
    i_prev = (issue - start).days - 1
    assert pers["aqi"].tolist() == pytest.approx([round(base[i_prev], 1)] * 3)
    assert pers["target_date"].dt.date.tolist() == [issue + dt.timedelta(days=h) for h in (1, 2, 3)]
    changed = base.copy()
    changed[(issue - start).days :] = 480.0  # the future is very different
    f2, _ = forecast_frame(
        _observed("150200", start, list(changed)), ["150200"], issue, issue, leads=3, train_years=2
    )
    pd.testing.assert_frame_equal(f1, f2)


def test_make_stores_apart_and_replaces_only_its_own_rows(fstore: Store, tmp_path: Path) -> None:
    city = "150200"
    start = D(2023, 1, 1)
    daily = [100 if (i // 5) % 2 == 0 else 200 for i in range(400)]
    con = daily_pm25_warehouse({city: (start, [PM25_FOR_AQI[a] for a in daily])})
    f = tmp_path / "fc.csv"
    f.write_text(f"region_code,issue_date,target_date,aqi\n{city},2024-01-20,2024-01-21,150\n")
    from ecoplan.ingest.forecast import import_forecast

    import_forecast(fstore, f)
    run = make_baseline(fstore, con, D(2024, 1, 20), D(2024, 1, 21), leads=2)
    assert run.cities == [city] and run.trained_until == D(2024, 1, 19)
    assert run.stored == {"persistence": 4, "climatology": 4, "gbm": 4}
    again = make_baseline(fstore, con, D(2024, 1, 20), D(2024, 1, 21), leads=2)
    assert again.stored == run.stored
    with fstore.session() as s:
        assert s.scalar(select(func.count()).select_from(AqiForecastBaseline)) == 12
        official = s.scalars(select(AqiForecast)).all()
        assert [(o.target_date, o.aqi) for o in official] == [(D(2024, 1, 21), 150.0)]
        extra = stored_baseline(s, [city], D(2024, 1, 21), D(2024, 1, 23))
        rep = verify(s, con, D(2024, 1, 21), D(2024, 1, 23), extra=extra)
    srcs = [x["source"] for x in rep["sources"]]
    assert srcs == ["official", "baseline:persistence", "baseline:climatology", "baseline:gbm"]
    with pytest.raises(BaselineError, match="没有城市日AQI实况"):
        make_baseline(fstore, con, D(2020, 1, 1))
    with pytest.raises(BaselineError, match="颠倒"):
        make_baseline(fstore, con, D(2024, 1, 2), D(2024, 1, 1))


def test_trained_and_scored_on_the_demo_data(tmp_path: Path) -> None:
    """Two demo cities, 2019–2021: fit on 2019-01…2021-06, forecast every day of 2021-07…12,
    score against the observed AQI; the gradient-boosting model must beat persistence.
    (SQLite only: the database plays no part in the scores.)"""
    store = Store(settings(home=tmp_path / "home", database_url=f"sqlite:///{tmp_path}/e.db"))
    store.migrate()
    files = generate_demo(
        tmp_path / "demo", 7, "2019-01-01", "2021-12-31", cities=["150100", "150200"],
        stations_per_city=1, anomalies=False,
    )  # fmt: skip
    load_demo(store, files, show_progress=False)
    con = warehouse.connect(store=store)
    try:
        run = make_baseline(store, con, D(2021, 7, 1), D(2021, 12, 24), train_years=3)
        with store.session() as s:
            extra = stored_baseline(s, None, D(2021, 7, 2), D(2021, 12, 31))
            rep = verify(s, con, D(2021, 7, 2), D(2021, 12, 31), extra=extra)
    finally:
        con.close()
        store.dispose()
    assert run.cities == ["150100", "150200"]
    by = {x["source"]: x for x in rep["sources"]}
    gbm = by["baseline:gbm"]
    assert gbm["overall"]["n"] > 2000
    skill = gbm["skill"]["overall"]["skill"]
    print(
        "demo skill vs persistence:",
        {k: v["skill"]["overall"]["skill"] for k, v in by.items() if "skill" in v},
        "MAE:", {k: v["overall"]["mae"] for k, v in by.items()},
    )  # fmt: skip
    assert skill is not None and skill > 0.0
    leads = [x["lead"] for x in gbm["skill"]["by_lead"]]
    assert leads == list(range(1, 8))

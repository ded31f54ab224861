"""The system's baseline city AQI forecasts (docs/forecast.md). Migration: ``0150``.

``aqi_forecast_baseline`` holds forecasts the system made itself from the observed history
(``ecoplan forecast make``), one row per city × issue date × target date × model. It is a
table of its own, beside the imported ``aqi_forecast``: a baseline never replaces, overwrites
or feeds the warnings an imported official forecast drives; verification scores both.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ecoplan.store.schema import Base

BASELINE_MODELS = ("persistence", "climatology", "gbm")


class AqiForecastBaseline(Base):
    """A baseline forecast daily AQI of *model* for *target_date*, issued on *issue_date*.

    ``trained_until`` is the last day of the observations the model was fitted on (no
    observation after it was used in fitting; the issue's own lags end the day before
    ``issue_date``).
    """

    __tablename__ = "aqi_forecast_baseline"
    __table_args__ = (UniqueConstraint("region_code", "issue_date", "target_date", "model"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    issue_date: Mapped[date] = mapped_column(Date, index=True)
    target_date: Mapped[date] = mapped_column(Date)
    model: Mapped[str] = mapped_column(String(16))
    aqi: Mapped[float] = mapped_column(Float)
    trained_until: Mapped[date] = mapped_column(Date)
    made_at: Mapped[datetime] = mapped_column(DateTime)

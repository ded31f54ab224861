"""Property: the published (CNEMC) hourly reading is the max of the single 1-h IAQIs."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ecoplan.standards import aqi as A

# within every column's table (no 'beyond' / 'no IAQI' special cases)
conc = st.fixed_dictionaries(
    {
        "SO2": st.integers(0, 800),
        "NO2": st.integers(0, 3840),
        "CO": st.integers(0, 1500).map(lambda x: x / 10),
        "O3": st.integers(0, 1200),
        "PM10": st.integers(0, 600),
        "PM2.5": st.integers(0, 500),
    }
)


@settings(max_examples=200, deadline=None)
@given(conc, st.sampled_from(["2012", "2026"]))
def test_published_hourly_is_max_of_1h_iaqis(c: dict[str, float], version: str) -> None:
    period = {"PM10": "24h", "PM2.5": "24h"}
    expected = max(A.iaqi(p, v, period.get(p, "1h"), version) or 0 for p, v in c.items())
    r = A.hourly_aqi(c, version)
    assert r.aqi == expected
    arr = A.hourly_aqi_array({k: np.array([float(v)]) for k, v in c.items()}, version)
    assert arr.aqi[0] == expected

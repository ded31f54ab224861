"""City AQI forecasts beyond the warnings: verification against the observed daily AQI
(:mod:`ecoplan.forecast.verify`) and the system's statistical baseline forecast
(:mod:`ecoplan.forecast.baseline`). See docs/forecast.md."""

//! Forecasting models (statsmodels-exact) and the model registry.

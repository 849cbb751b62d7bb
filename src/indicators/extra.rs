//! Momentum, volume and volatility indicators beyond the classic set (TA-Lib 0.8 additions and the DM/ROC family).

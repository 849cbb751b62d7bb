//! Overlap studies beyond the classic moving averages (MA, MAVP, SAREXT, MACDEXT, bands and channels, TA-Lib 0.8's HMA/ZLEMA/RMA/VWMA/SUPERTREND ...).

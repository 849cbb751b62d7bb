//! Candlestick pattern recognition (TA-Lib's 61 CDL functions).

//! Multi-asset portfolios with one cash pool.

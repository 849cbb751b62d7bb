use super::Ohlcv;
use crate::{Error, Result};
pub fn parse_timeframe(_s: &str) -> Result<i64> { Err(Error::invalid_input("not built yet")) }
pub fn resample(_d: &Ohlcv, _ms: i64) -> Result<Ohlcv> { Err(Error::invalid_input("not built yet")) }

//! CSV import (placeholder replaced in the next commit).
use super::Ohlcv;
use crate::{Error, Result};
pub fn parse_csv(_text: &str) -> Result<Ohlcv> { Err(Error::invalid_input("csv import not built yet")) }

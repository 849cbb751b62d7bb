//! Math transforms and operators, price transforms and statistic functions.

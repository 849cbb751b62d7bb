//! Hilbert-transform cycle family (HT_*) and MAMA.

//! Reads the test fixtures kept in the repository (`tests/fixtures/shared/`, a copy of the
//! workspace's reference data; see `tests/fixtures/README.md`). Files over 2 MB are stored
//! gzipped: `read_fixture("reference/talib/GOOG.csv")` finds `GOOG.csv.gz` transparently.
#![allow(dead_code)]

#[cfg(not(target_arch = "wasm32"))]
use std::io::Read;
use std::path::PathBuf;

pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/shared")
}

/// The text of fixture `path` (relative to `tests/fixtures/shared/`), gunzipped if stored as `.gz`.
pub fn read_fixture(path: &str) -> String {
    let plain = fixtures_dir().join(path);
    if let Ok(text) = std::fs::read_to_string(&plain) {
        return text;
    }
    let gz = fixtures_dir().join(format!("{path}.gz"));
    gunzip(&gz, path, &plain)
}

#[cfg(not(target_arch = "wasm32"))]
fn gunzip(gz: &std::path::Path, path: &str, plain: &std::path::Path) -> String {
    let file = std::fs::File::open(gz)
        .unwrap_or_else(|e| panic!("fixture {path}: neither {} nor {}: {e}", plain.display(), gz.display()));
    let mut text = String::new();
    flate2::read::GzDecoder::new(file)
        .read_to_string(&mut text)
        .unwrap_or_else(|e| panic!("fixture {}: {e}", gz.display()));
    text
}

// The native test files are also compiled (not run) by `wasm-pack test`, where flate2 is absent.
#[cfg(target_arch = "wasm32")]
fn gunzip(gz: &std::path::Path, path: &str, _plain: &std::path::Path) -> String {
    panic!("fixture {path}: {} can only be read by the native tests", gz.display())
}

//! The versioned state store's core: the snapshot format (header, checksum, compact payload,
//! optional compression). The backends (memory, files, IndexedDB), locking and migrations live
//! in `js/state.js`, which calls this module through `encodeSnapshot` / `decodeSnapshot`.
//! The format is documented byte by byte in docs/state.md.

pub mod format;

pub use format::{decode, encode, Decoded, EncodeOptions, Entry, Snapshot, StateValue};

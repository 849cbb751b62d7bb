//! The snapshot format: a fixed 24-byte header followed by a CBOR payload, optionally
//! LZ4-compressed.
//!
//! ```text
//! offset size field
//!  0     4    magic "SLAB"
//!  4     2    format version, u16 LE (this code writes and reads 1)
//!  6     4    schema version, u32 LE (the application's; migrations key on it)
//! 10     2    flags, u16 LE (bit 0: payload is LZ4-compressed; other bits must be 0)
//! 12     8    payload length in bytes, u64 LE (as stored, i.e. after compression)
//! 20     4    CRC-32C of bytes 0..20 followed by the stored payload, u32 LE
//! 24     n    payload
//! ```
//!
//! Why the checksum covers the header too: a flipped flag or schema version would otherwise
//! decode "successfully" into the wrong state. Decoding never panics and never allocates more
//! than the input justifies: every length is checked against the bytes actually present (and
//! against [`MAX_PAYLOAD`]) before anything is sliced or allocated.

use crate::{Error, ErrorCode, Result};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

pub const MAGIC: &[u8; 4] = b"SLAB";
/// The format version this code writes; anything newer is VERSION_UNSUPPORTED.
pub const FORMAT_VERSION: u16 = 1;
pub const HEADER_LEN: usize = 24;
pub const FLAG_COMPRESSED: u16 = 1;
const KNOWN_FLAGS: u16 = FLAG_COMPRESSED;
/// Largest payload (stored or decompressed) accepted, in bytes.
pub const MAX_PAYLOAD: usize = 512 << 20;
/// Schema version reported for a legacy (pre-format, plain JSON) state.
pub const LEGACY_SCHEMA_VERSION: u32 = 1;

/// One stored value: JSON-like data, or an f64 array kept as raw little-endian bytes.
#[derive(Debug, Clone, PartialEq)]
pub enum StateValue {
    Json(Value),
    F64Array(Vec<f64>),
}

/// A value and when it was last written (ms since the epoch, if known).
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub value: StateValue,
    pub updated_at: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Snapshot {
    pub schema_version: u32,
    pub entries: BTreeMap<String, Entry>,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct EncodeOptions {
    pub compress: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub snapshot: Snapshot,
    pub format_version: u16,
    /// The input had no header and was read as a plain JSON object.
    pub legacy: bool,
    pub compressed: bool,
}

// The payload as it goes over the wire (CBOR). Kept separate from the public types so the
// binary layout is explicit: `[key, kind, value, updatedAt]` tuples in key order.
#[derive(Serialize, Deserialize)]
struct WireEntry(String, WireValue, Option<f64>);

#[derive(Serialize, Deserialize)]
enum WireValue {
    #[serde(rename = "j")]
    Json(Value),
    #[serde(rename = "f")]
    F64(#[serde(with = "serde_bytes")] Vec<u8>),
}

fn corrupt(message: impl Into<String>) -> Error {
    Error::new(ErrorCode::StateCorrupt, message)
}

/// Encodes a snapshot: header, checksum, payload (compressed if asked).
pub fn encode(snapshot: &Snapshot, options: EncodeOptions) -> Result<Vec<u8>> {
    let wire: Vec<WireEntry> = snapshot
        .entries
        .iter()
        .map(|(key, entry)| {
            let value = match &entry.value {
                StateValue::Json(v) => WireValue::Json(v.clone()),
                StateValue::F64Array(xs) => {
                    WireValue::F64(xs.iter().flat_map(|x| x.to_le_bytes()).collect())
                }
            };
            WireEntry(key.clone(), value, entry.updated_at)
        })
        .collect();
    let mut raw = Vec::new();
    ciborium::into_writer(&wire, &mut raw)
        .map_err(|e| Error::invalid_input(format!("state could not be encoded: {e}")))?;
    if raw.len() > MAX_PAYLOAD {
        return Err(Error::resource_limit(format!(
            "state encodes to {} bytes, over the snapshot limit of {MAX_PAYLOAD}; store less",
            raw.len()
        ))
        .with("limit", MAX_PAYLOAD as u64)
        .with("got", raw.len() as u64));
    }
    let (payload, flags) = if options.compress {
        (lz4_flex::compress_prepend_size(&raw), FLAG_COMPRESSED)
    } else {
        (raw, 0)
    };
    let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&snapshot.schema_version.to_le_bytes());
    out.extend_from_slice(&flags.to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    let crc = crc32c::crc32c_append(crc32c::crc32c(&out), &payload);
    out.extend_from_slice(&crc.to_le_bytes());
    out.extend_from_slice(&payload);
    Ok(out)
}

/// Decodes a snapshot, or a legacy plain-JSON object state. Errors: STATE_CORRUPT (empty,
/// truncated, garbage, bad checksum, unknown flags, trailing bytes), VERSION_UNSUPPORTED (a
/// format version newer than [`FORMAT_VERSION`]).
pub fn decode(bytes: &[u8]) -> Result<Decoded> {
    if bytes.is_empty() {
        return Err(corrupt("state is empty (0 bytes)").with("got", 0));
    }
    if !bytes.starts_with(MAGIC) {
        return decode_legacy(bytes);
    }
    if bytes.len() < HEADER_LEN {
        return Err(corrupt(format!(
            "state is truncated: {} bytes, the header alone is {HEADER_LEN}",
            bytes.len()
        ))
        .with("expected", HEADER_LEN as u64)
        .with("got", bytes.len() as u64));
    }
    let u16_at = |at: usize| u16::from_le_bytes([bytes[at], bytes[at + 1]]);
    let u32_at =
        |at: usize| u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    let format_version = u16_at(4);
    if format_version > FORMAT_VERSION {
        return Err(Error::new(
            ErrorCode::VersionUnsupported,
            format!(
                "state was written by a newer stratlab (format version {format_version}, this one reads up to {FORMAT_VERSION}); upgrade to read it"
            ),
        )
        .with("expected", FORMAT_VERSION)
        .with("got", format_version));
    }
    if format_version == 0 {
        return Err(corrupt("state header has format version 0").with("got", 0));
    }
    let schema_version = u32_at(6);
    let flags = u16_at(10);
    let mut len_bytes = [0u8; 8];
    len_bytes.copy_from_slice(&bytes[12..20]);
    let stored_len = u64::from_le_bytes(len_bytes);
    let available = (bytes.len() - HEADER_LEN) as u64;
    if stored_len != available {
        return Err(corrupt(format!(
            "state payload length says {stored_len} bytes but {available} follow the header (truncated or overwritten)"
        ))
        .with("expected", stored_len)
        .with("got", available));
    }
    let payload = &bytes[HEADER_LEN..];
    let crc = crc32c::crc32c_append(crc32c::crc32c(&bytes[..20]), payload);
    let stored_crc = u32_at(20);
    if crc != stored_crc {
        return Err(corrupt(format!(
            "state checksum mismatch (stored {stored_crc:08x}, computed {crc:08x})"
        ))
        .with("expected", stored_crc)
        .with("got", crc));
    }
    if flags & !KNOWN_FLAGS != 0 {
        return Err(
            corrupt(format!("state header has unknown flags {flags:#06x}")).with("got", flags),
        );
    }
    let compressed = flags & FLAG_COMPRESSED != 0;
    let owned;
    let raw: &[u8] = if compressed {
        owned = decompress(payload)?;
        &owned
    } else {
        payload
    };
    let snapshot = decode_payload(raw, schema_version)?;
    Ok(Decoded {
        snapshot,
        format_version,
        legacy: false,
        compressed,
    })
}

/// LZ4 block with a u32 LE size prefix; the size is bounded before the buffer is allocated.
fn decompress(payload: &[u8]) -> Result<Vec<u8>> {
    let Some((size, body)) = payload.split_first_chunk::<4>() else {
        return Err(corrupt(
            "compressed payload is shorter than its size prefix",
        ));
    };
    let size = u32::from_le_bytes(*size) as usize;
    // LZ4 cannot expand data by more than ~255x, so a larger claim is a lie.
    let plausible = body.len().saturating_mul(255).saturating_add(16);
    if size > MAX_PAYLOAD || size > plausible {
        return Err(corrupt(format!(
            "compressed payload claims {size} bytes, impossible for {} compressed bytes",
            body.len()
        ))
        .with("got", size as u64));
    }
    let mut out = vec![0u8; size];
    let written = lz4_flex::decompress_into(body, &mut out)
        .map_err(|e| corrupt(format!("compressed payload is damaged: {e}")))?;
    if written != size {
        return Err(corrupt(format!(
            "compressed payload decoded to {written} bytes, expected {size}"
        )));
    }
    Ok(out)
}

fn decode_payload(raw: &[u8], schema_version: u32) -> Result<Snapshot> {
    let mut reader = raw;
    let wire: Vec<WireEntry> = ciborium::from_reader(&mut reader)
        .map_err(|e| corrupt(format!("state payload does not decode: {e}")))?;
    if !reader.is_empty() {
        return Err(corrupt(format!(
            "state payload has {} trailing bytes",
            reader.len()
        )));
    }
    let mut entries = BTreeMap::new();
    for WireEntry(key, value, updated_at) in wire {
        let value = match value {
            WireValue::Json(v) => StateValue::Json(v),
            WireValue::F64(bytes) => {
                if bytes.len() % 8 != 0 {
                    return Err(corrupt(format!(
                        "f64 array under {key:?} has {} bytes, not a multiple of 8",
                        bytes.len()
                    )));
                }
                StateValue::F64Array(
                    bytes
                        .chunks_exact(8)
                        .map(|c| {
                            f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]])
                        })
                        .collect(),
                )
            }
        };
        if entries
            .insert(key.clone(), Entry { value, updated_at })
            .is_some()
        {
            return Err(corrupt(format!("state payload has the key {key:?} twice")));
        }
    }
    Ok(Snapshot {
        schema_version,
        entries,
    })
}

/// A pre-format state: a plain JSON object, key → value, with no timestamps.
fn decode_legacy(bytes: &[u8]) -> Result<Decoded> {
    let parsed: Value = serde_json::from_slice(bytes).map_err(|e| {
        corrupt(format!(
            "state has no SLAB header and is not JSON either: {e}"
        ))
    })?;
    let Value::Object(map) = parsed else {
        return Err(corrupt("legacy JSON state must be an object (key → value)"));
    };
    let entries = map
        .into_iter()
        .map(|(k, v)| {
            (
                k,
                Entry {
                    value: StateValue::Json(v),
                    updated_at: None,
                },
            )
        })
        .collect();
    Ok(Decoded {
        snapshot: Snapshot {
            schema_version: LEGACY_SCHEMA_VERSION,
            entries,
        },
        format_version: 0,
        legacy: true,
        compressed: false,
    })
}

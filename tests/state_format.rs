//! The snapshot format: round trips, compression, and every kind of damage (truncation at every
//! offset, bit flips, wrong magic, future versions, empty input) detected with a typed error.

use serde_json::json;
use stratlab::state::format::{self, decode, encode, EncodeOptions, Entry, Snapshot, StateValue};
use stratlab::ErrorCode;

fn sample() -> Snapshot {
    let mut s = Snapshot {
        schema_version: 3,
        entries: Default::default(),
    };
    s.entries.insert(
        "settings".into(),
        Entry {
            value: StateValue::Json(
                json!({"theme": "dark", "fast": 12, "ratio": 0.25, "tags": ["a", null, true]}),
            ),
            updated_at: Some(1.7e12),
        },
    );
    s.entries.insert(
        "equity".into(),
        Entry {
            value: StateValue::F64Array(vec![1.0, -2.5, f64::NAN, f64::INFINITY, 1e-300, -0.0]),
            updated_at: None,
        },
    );
    s.entries.insert(
        "count".into(),
        Entry {
            value: StateValue::Json(json!(42)),
            updated_at: Some(5.0),
        },
    );
    s
}

/// NaN != NaN, so arrays are compared bit for bit.
fn assert_same(a: &Snapshot, b: &Snapshot) {
    assert_eq!(a.schema_version, b.schema_version);
    assert_eq!(a.entries.len(), b.entries.len());
    for (k, ea) in &a.entries {
        let eb = &b.entries[k];
        assert_eq!(ea.updated_at, eb.updated_at, "{k}");
        match (&ea.value, &eb.value) {
            (StateValue::F64Array(x), StateValue::F64Array(y)) => {
                let xb: Vec<u64> = x.iter().map(|v| v.to_bits()).collect();
                let yb: Vec<u64> = y.iter().map(|v| v.to_bits()).collect();
                assert_eq!(xb, yb, "{k}");
            }
            (x, y) => assert_eq!(x, y, "{k}"),
        }
    }
}

fn code_of(bytes: &[u8]) -> Option<ErrorCode> {
    decode(bytes).err().map(|e| e.code)
}

#[test]
fn round_trip_plain_and_header_layout() {
    let s = sample();
    let bytes = encode(&s, EncodeOptions { compress: false }).unwrap();
    assert_eq!(&bytes[0..4], b"SLAB");
    assert_eq!(
        u16::from_le_bytes([bytes[4], bytes[5]]),
        format::FORMAT_VERSION
    );
    assert_eq!(u32::from_le_bytes(bytes[6..10].try_into().unwrap()), 3);
    assert_eq!(u16::from_le_bytes([bytes[10], bytes[11]]), 0);
    let len = u64::from_le_bytes(bytes[12..20].try_into().unwrap());
    assert_eq!(len as usize, bytes.len() - format::HEADER_LEN);
    let mut crc_input = bytes[..20].to_vec();
    crc_input.extend_from_slice(&bytes[24..]);
    assert_eq!(
        u32::from_le_bytes(bytes[20..24].try_into().unwrap()),
        crc32c::crc32c(&crc_input)
    );
    let d = decode(&bytes).unwrap();
    assert!(!d.legacy && !d.compressed);
    assert_eq!(d.format_version, 1);
    assert_same(&s, &d.snapshot);
}

#[test]
fn f64_arrays_stay_binary() {
    // 10,000 f64s take 80,000 bytes raw; as JSON text they would be far larger.
    let mut s = Snapshot {
        schema_version: 1,
        entries: Default::default(),
    };
    let xs: Vec<f64> = (0..10_000)
        .map(|i| (i as f64).sqrt() * 1.000_000_1)
        .collect();
    s.entries.insert(
        "xs".into(),
        Entry {
            value: StateValue::F64Array(xs),
            updated_at: None,
        },
    );
    let bytes = encode(&s, EncodeOptions::default()).unwrap();
    assert!(bytes.len() < 80_000 + 64, "{} bytes", bytes.len());
    assert_same(&s, &decode(&bytes).unwrap().snapshot);
}

#[test]
fn compression_round_trips_and_shrinks_repetitive_state() {
    let mut s = sample();
    for i in 0..2000 {
        s.entries.insert(
            format!("row{i:05}"),
            Entry {
                value: StateValue::Json(json!({"symbol": "GOOG", "side": "buy", "qty": 10})),
                updated_at: Some(1.0),
            },
        );
    }
    let plain = encode(&s, EncodeOptions { compress: false }).unwrap();
    let packed = encode(&s, EncodeOptions { compress: true }).unwrap();
    assert_eq!(
        u16::from_le_bytes([packed[10], packed[11]]) & format::FLAG_COMPRESSED,
        1
    );
    assert!(
        packed.len() * 3 < plain.len(),
        "compressed {} vs plain {}",
        packed.len(),
        plain.len()
    );
    let d = decode(&packed).unwrap();
    assert!(d.compressed);
    assert_same(&s, &d.snapshot);
}

#[test]
fn truncation_at_every_offset_is_state_corrupt() {
    for compress in [false, true] {
        let bytes = encode(&sample(), EncodeOptions { compress }).unwrap();
        for cut in 0..bytes.len() {
            let code = code_of(&bytes[..cut]);
            assert_eq!(
                code,
                Some(ErrorCode::StateCorrupt),
                "cut at {cut} of {} (compress {compress})",
                bytes.len()
            );
        }
        // Extra bytes after the payload are damage too.
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(code_of(&longer), Some(ErrorCode::StateCorrupt));
    }
}

#[test]
fn every_single_bit_flip_is_detected() {
    for compress in [false, true] {
        let bytes = encode(&sample(), EncodeOptions { compress }).unwrap();
        for byte in 0..bytes.len() {
            for bit in 0..8 {
                let mut damaged = bytes.clone();
                damaged[byte] ^= 1 << bit;
                let code = code_of(&damaged);
                // A flip in the magic makes it "not a snapshot" (and not JSON); a flip in the
                // format version's high bits reads as a newer format, which is refused untouched.
                let ok = code == Some(ErrorCode::StateCorrupt)
                    || ((4..6).contains(&byte) && code == Some(ErrorCode::VersionUnsupported));
                assert!(
                    ok,
                    "flip byte {byte} bit {bit} (compress {compress}): {code:?}"
                );
            }
        }
    }
}

#[test]
fn lengths_beyond_the_data_are_refused_without_allocating() {
    let bytes = encode(&sample(), EncodeOptions { compress: true }).unwrap();
    // Payload length claims u64::MAX.
    let mut huge = bytes.clone();
    huge[12..20].copy_from_slice(&u64::MAX.to_le_bytes());
    assert_eq!(code_of(&huge), Some(ErrorCode::StateCorrupt));
    // A valid checksum over a lying LZ4 size prefix (4 GiB) is still refused.
    let mut lying = bytes[..20].to_vec();
    let mut payload = bytes[24..].to_vec();
    payload[0..4].copy_from_slice(&u32::MAX.to_le_bytes());
    let crc = crc32c::crc32c_append(crc32c::crc32c(&lying), &payload);
    lying.extend_from_slice(&crc.to_le_bytes());
    lying.extend_from_slice(&payload);
    let err = decode(&lying).unwrap_err();
    assert_eq!(err.code, ErrorCode::StateCorrupt, "{}", err.message);
}

#[test]
fn garbage_with_a_valid_checksum_is_state_corrupt() {
    for payload in [
        vec![0xffu8; 37],
        vec![0x9f, 0x83],
        vec![],
        b"not cbor".to_vec(),
    ] {
        let mut bytes = b"SLAB".to_vec();
        bytes.extend_from_slice(&1u16.to_le_bytes());
        bytes.extend_from_slice(&1u32.to_le_bytes());
        bytes.extend_from_slice(&0u16.to_le_bytes());
        bytes.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        let crc = crc32c::crc32c_append(crc32c::crc32c(&bytes), &payload);
        bytes.extend_from_slice(&crc.to_le_bytes());
        bytes.extend_from_slice(&payload);
        assert_eq!(
            code_of(&bytes),
            Some(ErrorCode::StateCorrupt),
            "{payload:?}"
        );
    }
}

#[test]
fn wrong_magic_and_empty_input_are_state_corrupt() {
    let mut bytes = encode(&sample(), EncodeOptions::default()).unwrap();
    bytes[0..4].copy_from_slice(b"SLAC");
    assert_eq!(code_of(&bytes), Some(ErrorCode::StateCorrupt));
    assert_eq!(code_of(&[]), Some(ErrorCode::StateCorrupt));
    assert_eq!(code_of(b"SLA"), Some(ErrorCode::StateCorrupt));
    assert_eq!(code_of(b"\x00\x01\x02"), Some(ErrorCode::StateCorrupt));
}

#[test]
fn future_format_version_is_version_unsupported() {
    let mut bytes = encode(&sample(), EncodeOptions::default()).unwrap();
    bytes[4..6].copy_from_slice(&(format::FORMAT_VERSION + 1).to_le_bytes());
    let err = decode(&bytes).unwrap_err();
    assert_eq!(err.code, ErrorCode::VersionUnsupported);
    assert_eq!(err.detail("got"), Some(&json!(2)));
    // Even a header alone (the rest unknown to us) is recognised as "newer", not "corrupt".
    assert_eq!(
        code_of(&bytes[..format::HEADER_LEN]),
        Some(ErrorCode::VersionUnsupported)
    );
}

#[test]
fn unknown_flags_are_state_corrupt() {
    let s = sample();
    let bytes = encode(&s, EncodeOptions::default()).unwrap();
    let mut flagged = bytes[..20].to_vec();
    flagged[10] |= 0b10;
    let crc = crc32c::crc32c_append(crc32c::crc32c(&flagged), &bytes[24..]);
    flagged.extend_from_slice(&crc.to_le_bytes());
    flagged.extend_from_slice(&bytes[24..]);
    assert_eq!(code_of(&flagged), Some(ErrorCode::StateCorrupt));
}

#[test]
fn legacy_json_object_is_read_and_flagged() {
    let d = decode(br#"{"positions": {"GOOG": 10}, "cash": 1000.5}"#).unwrap();
    assert!(d.legacy);
    assert_eq!(d.format_version, 0);
    assert_eq!(d.snapshot.schema_version, format::LEGACY_SCHEMA_VERSION);
    assert_eq!(
        d.snapshot.entries["cash"].value,
        StateValue::Json(json!(1000.5))
    );
    assert_eq!(
        d.snapshot.entries["positions"].value,
        StateValue::Json(json!({"GOOG": 10}))
    );
    // Re-encoded in the new format, it reads back the same and is no longer legacy.
    let again = decode(&encode(&d.snapshot, EncodeOptions::default()).unwrap()).unwrap();
    assert!(!again.legacy);
    assert_same(&d.snapshot, &again.snapshot);
    // JSON that is not an object, or half a JSON file, is not a state.
    assert_eq!(code_of(b"[1,2,3]"), Some(ErrorCode::StateCorrupt));
    assert_eq!(code_of(br#"{"cash": 10"#), Some(ErrorCode::StateCorrupt));
}

#[test]
fn empty_state_round_trips() {
    let s = Snapshot {
        schema_version: 0,
        entries: Default::default(),
    };
    for compress in [false, true] {
        let d = decode(&encode(&s, EncodeOptions { compress }).unwrap()).unwrap();
        assert_same(&s, &d.snapshot);
    }
}

//! Bytes as lower-case hex text (keys, hashes, sealed values) and back.

pub fn encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `None` unless `s` is an even number of hex digits.
pub fn decode(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_refusals() {
        let b = [0u8, 1, 0x7f, 0x80, 0xff];
        assert_eq!(decode(&encode(&b)).unwrap(), b);
        assert!(decode("abc").is_none());
        assert!(decode("zz").is_none());
        assert!(decode("+f").is_none());
        assert!(decode("あい").is_none());
    }
}

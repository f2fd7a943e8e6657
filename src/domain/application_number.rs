//! The short number an applicant keeps (受付番号): eight characters from an alphabet
//! without look-alikes (no 0/O, 1/I/L, U), shown as `ABCD-EFGH`. It leads to the
//! application's status page in place of the long secret address, which keeps working.

use unicode_normalization::UnicodeNormalization;

/// The 30 characters a number is made of: digits 2–9 and capitals without I, L, O, U.
pub const ALPHABET: &[u8; 30] = b"23456789ABCDEFGHJKMNPQRSTVWXYZ";

/// How many characters a number has.
pub const LEN: usize = 8;

/// A number from random bytes (one per character; the bias of `% 30` is negligible).
pub fn from_random(bytes: &[u8; LEN]) -> String {
    bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

/// A number as a person reads it out: two groups of four.
pub fn display(number: &str) -> String {
    match number.split_at_checked(LEN / 2) {
        Some((a, b)) => format!("{a}-{b}"),
        None => number.to_owned(),
    }
}

/// A number as typed (full width, lower case, hyphens and spaces taken), or `None`.
pub fn parse(typed: &str) -> Option<String> {
    let s: String = typed
        .nfkc()
        .filter(|c| !matches!(c, '-' | 'ー' | '−' | '‐' | '_') && !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (s.len() == LEN && s.bytes().all(|b| ALPHABET.contains(&b))).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_back_however_they_are_typed() {
        let n = from_random(&[0, 1, 29, 30, 200, 7, 8, 255]);
        assert_eq!(n.len(), LEN);
        assert_eq!(parse(&n).as_deref(), Some(n.as_str()));
        assert_eq!(parse(&display(&n)).as_deref(), Some(n.as_str()));
        assert_eq!(parse("abcd-efgh").as_deref(), Some("ABCDEFGH"));
        assert_eq!(parse("ＡＢＣＤ－ＥＦＧＨ").as_deref(), Some("ABCDEFGH"));
        assert_eq!(parse(" abcd efgh ").as_deref(), Some("ABCDEFGH"));
        assert_eq!(display("ABCDEFGH"), "ABCD-EFGH");
        // Look-alikes, wrong lengths and the long token are not numbers.
        for bad in [
            "ABCD-EFG0",
            "ABCDEFGI",
            "ABCDEFG",
            "ABCDEFGHJ",
            "",
            &"a".repeat(64),
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}

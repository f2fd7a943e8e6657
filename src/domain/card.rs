//! Printed QR cards: the serial with its check digit, the QR payload (serial and a MAC)
//! as printed and as scanned, and a card's kind and status. The MAC itself is computed
//! by the service under the server secret; here only its shape is known.

use super::kinds::{Code, code_enum};

code_enum! {
    /// Whether a card takes more value after it was sold (M2).
    CardKind in "card_kinds" {
        Rechargeable = "rechargeable",
        /// Preloaded with a program's value when sold; never recharged.
        SingleUse = "single_use",
    }
}

code_enum! {
    /// Where a card is in its life.
    CardStatus in "card_statuses" {
        /// Printed, not yet sold: holds nothing, pays nothing.
        Issued = "issued",
        /// Sold (or handed out): pays and, if rechargeable, takes charges.
        Active = "active",
        /// Reported lost or stopped by the office: pays nothing until unfrozen.
        Frozen = "frozen",
        /// Its value moved into a smartphone account or onto a new card: spent for good.
        Migrated = "migrated",
    }
}

/// Digits of a serial: the card's number and one check digit.
pub const SERIAL_DIGITS: usize = 12;

/// Characters of the printed MAC: 14 from a 32-letter alphabet, 70 bits, so guessing a
/// card's code is hopeless even with its serial.
pub const MAC_CHARS: usize = 14;

/// Letters of the MAC: upper case, no look-alikes (no 0/O, 1/I).
const MAC_ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A card's serial: its number, zero-padded to 11 digits, and a Luhn check digit, so a
/// digit typed wrong or two swapped neighbours are caught before any lookup.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Serial(String);

impl Serial {
    /// The serial of card number `n` (below 10^11).
    pub fn of(n: i64) -> Serial {
        let body = format!("{n:011}");
        let check = luhn_check_digit(&body);
        Serial(format!("{body}{check}"))
    }

    /// A serial as typed or scanned: 12 digits (spaces, hyphens and full-width digits
    /// allowed) whose check digit holds.
    pub fn parse(text: &str) -> Option<Serial> {
        let digits: String = text
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '\u{3000}'))
            .map(|c| match c {
                '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
                _ => c,
            })
            .collect();
        if digits.len() != SERIAL_DIGITS || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let (body, check) = digits.split_at(SERIAL_DIGITS - 1);
        (luhn_check_digit(body).to_string() == check).then_some(Serial(digits))
    }

    /// The card number inside (its `cards.id`).
    pub fn number(&self) -> i64 {
        self.0[..SERIAL_DIGITS - 1].parse().unwrap_or(0)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// In groups of four, as printed and read aloud: `0000 0000 0018`.
    pub fn grouped(&self) -> String {
        let b = self.0.as_bytes();
        b.chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// What a card's QR says, parsed: the serial and the MAC as printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardCode {
    pub serial: Serial,
    pub mac: String,
}

impl CardCode {
    /// The payload's last part, `SERIAL-MAC`; the QR prints it after the balance page's
    /// address so that any phone's camera opens that page.
    pub fn text(&self) -> String {
        format!("{}-{}", self.serial.as_str(), self.mac)
    }

    /// A scanned card QR: the whole address or its last part, in any case; `None` when
    /// it has not the shape of a card's code (then it is not a card at all).
    pub fn parse(text: &str) -> Option<CardCode> {
        let t = text.trim();
        let last = t.rsplit('/').next().unwrap_or(t);
        let (serial, mac) = last.split_once('-')?;
        let mac = mac.to_ascii_uppercase();
        if mac.len() != MAC_CHARS || !mac.bytes().all(|b| MAC_ALPHABET.contains(&b)) {
            return None;
        }
        if serial.len() != SERIAL_DIGITS {
            return None;
        }
        Some(CardCode {
            serial: Serial::parse(serial)?,
            mac,
        })
    }

    /// Whether a scanned text looks like a card's code at all (a resident's CPM code
    /// does not), so the till can tell which it was given.
    pub fn looks_like_card(text: &str) -> bool {
        let t = text.trim();
        let last = t.rsplit('/').next().unwrap_or(t);
        last.split_once('-')
            .is_some_and(|(s, _)| s.len() == SERIAL_DIGITS && s.bytes().all(|b| b.is_ascii_digit()))
    }
}

/// The printed MAC of `mac_bytes` (at least 9 bytes, e.g. an HMAC-SHA256): its first 70
/// bits in the MAC alphabet.
pub fn mac_text(mac_bytes: &[u8]) -> String {
    let mut bits: u128 = 0;
    for b in mac_bytes.iter().take(9) {
        bits = (bits << 8) | u128::from(*b);
    }
    // 72 bits read; the first 70 make the 14 letters.
    bits >>= 2;
    (0..MAC_CHARS)
        .rev()
        .map(|i| MAC_ALPHABET[((bits >> (i * 5)) & 31) as usize] as char)
        .collect()
}

/// The Luhn check digit of a string of digits.
fn luhn_check_digit(body: &str) -> u32 {
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 0 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    (10 - sum % 10) % 10
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn serials_carry_a_luhn_check_digit() {
        assert_eq!(Serial::of(1).as_str(), "000000000018");
        assert_eq!(Serial::of(1).grouped(), "0000 0000 0018");
        assert_eq!(Serial::parse("0000 0000 0018"), Some(Serial::of(1)));
        assert_eq!(
            Serial::parse("００００００００００１８"),
            Some(Serial::of(1))
        );
        assert_eq!(Serial::parse("000000000019"), None);
        assert_eq!(Serial::parse("00000000018"), None);
        assert_eq!(Serial::parse("00000000001a"), None);
    }

    #[test]
    fn a_card_code_is_told_from_a_payment_code() {
        let code = CardCode {
            serial: Serial::of(42),
            mac: mac_text(&[7; 32]),
        };
        let url = format!("https://pay.example.jp/c/{}", code.text());
        assert_eq!(CardCode::parse(&url), Some(code.clone()));
        assert_eq!(CardCode::parse(&code.text().to_lowercase()), Some(code));
        assert!(CardCode::looks_like_card(&url));
        assert!(!CardCode::looks_like_card("RABCDEFGHJKLMNPQRSTUVWXY"));
        assert_eq!(CardCode::parse("RABCDEFGHJKLMNPQRSTUVWXY"), None);
    }

    proptest! {
        #[test]
        fn every_serial_round_trips(n in 0i64..100_000_000_000) {
            let s = Serial::of(n);
            prop_assert_eq!(s.number(), n);
            prop_assert_eq!(Serial::parse(s.as_str()), Some(s.clone()));
            prop_assert_eq!(Serial::parse(&s.grouped()), Some(s));
        }

        #[test]
        fn one_wrong_digit_or_a_swap_is_caught(n in 0i64..100_000_000_000, at in 0usize..12, d in 1u8..10) {
            let s = Serial::of(n);
            let mut b = s.as_str().as_bytes().to_vec();
            b[at] = b'0' + (b[at] - b'0' + d) % 10;
            prop_assert_eq!(Serial::parse(std::str::from_utf8(&b).unwrap()), None);
            let mut b = s.as_str().as_bytes().to_vec();
            if at < 11 && b[at] != b[at + 1] && !matches!((b[at], b[at + 1]), (b'0', b'9') | (b'9', b'0')) {
                b.swap(at, at + 1);
                prop_assert_eq!(Serial::parse(std::str::from_utf8(&b).unwrap()), None);
            }
        }
    }
}

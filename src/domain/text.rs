//! Text people type: what it may hold, and how it is normalised.

use crate::i18n::Msg;
pub use crate::i18n::Text;

/// Whether text a person typed holds only what a person types: no control characters
/// other than line breaks and tabs (they would garble receipts, CSV files and pages).
pub fn is_typed_text(s: &str) -> bool {
    !s.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// A full-width digit (０-９) as its ASCII digit; any other character as it is.
pub fn half_width_digit(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        _ => c,
    }
}

/// A Japanese phone number as its digits (full-width digits, hyphens and brackets taken).
pub fn normalise_phone(raw: &str) -> Result<String, Text> {
    let digits: String = raw
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '(' | ')' | 'ー' | '−'))
        .map(half_width_digit)
        .collect();
    if (10..=11).contains(&digits.len())
        && digits.starts_with('0')
        && digits.chars().all(|c| c.is_ascii_digit())
    {
        Ok(digits)
    } else {
        Err(Text::new(Msg::PhoneMustBeAJapanese))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_text_allows_line_breaks_but_not_control_characters() {
        assert!(is_typed_text("花屋\nはなだ\t(本店)"));
        assert!(!is_typed_text("花屋\u{13}"));
        assert!(!is_typed_text("\u{7f}"));
    }
}

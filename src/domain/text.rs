//! Text people type: what it may hold, and how it is normalised.

use crate::i18n::Msg;
pub use crate::i18n::Text;
use unicode_normalization::UnicodeNormalization;

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

/// A Japanese phone number as its digits. NFKC first, so the full-width digits, hyphen
/// and brackets of a Japanese keyboard count as ASCII ones; then the separators people
/// write (hyphens and dashes of every kind, the long-vowel mark typed for one, spaces,
/// brackets) are dropped.
pub fn normalise_phone(raw: &str) -> Result<String, Text> {
    let digits: String = raw
        .nfkc()
        .filter(|c| {
            !matches!(
                c,
                '-' | ' ' | '(' | ')' | 'ー' | '−' | '‐' | '‑' | '‒' | '–' | '—' | '―'
            )
        })
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

/// A mail address as stored and looked up: NFKC (a full-width `ｈａｎａ＠ｅｘａｍｐｌｅ．ｊｐ`
/// typed through an input method is the same address), trimmed, lower case; one `@`, a
/// local part of printable ASCII without the characters that would break a mail header,
/// and a domain of letters, digits and hyphens in at least two labels.
pub fn normalise_mail(raw: &str) -> Result<String, Text> {
    let m = raw.nfkc().collect::<String>().trim().to_lowercase();
    let Some((local, domain)) = m.split_once('@') else {
        return Err(Text::new(Msg::MailMustLookLike));
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && local
            .chars()
            .all(|c| c.is_ascii_graphic() && !"<>()[]\\,;:\"@".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    if local_ok && domain_ok && m.len() <= 254 {
        Ok(m)
    } else {
        Err(Text::new(Msg::MailMustLookLike))
    }
}

/// What is wrong with a form or a request, field by field (fields named as the API
/// names them), so that a page shows every message beside its field at once instead of
/// the first one at the top.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problems(Vec<(&'static str, Text)>);

impl Problems {
    pub fn add(&mut self, field: &'static str, why: impl Into<Text>) {
        self.0.push((field, why.into()));
    }

    /// The value of a check that passed; the reason of one that failed is noted.
    pub fn check<T>(&mut self, field: &'static str, r: Result<T, Text>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(why) => {
                self.add(field, why);
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|(f, _)| *f == field)
    }

    /// (field, reason), in the order they were found.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &Text)> {
        self.0.iter().map(|(f, t)| (*f, t))
    }

    /// `Ok` when nothing was wrong.
    pub fn into_result(self) -> Result<(), Problems> {
        if self.is_empty() { Ok(()) } else { Err(self) }
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

    #[test]
    fn phones_typed_any_way_are_their_digits() {
        for typed in [
            "090-1234-5678",
            "０９０－１２３４－５６７８",
            "090ー1234ー5678",
            "０９０ １２３４ ５６７８",
            "(090) 1234‐5678",
        ] {
            assert_eq!(normalise_phone(typed).unwrap(), "09012345678", "{typed}");
        }
        assert!(
            normalise_phone("090-1234-567").is_ok(),
            "ten digits: a landline"
        );
        assert!(normalise_phone("90-1234-5678").is_err());
        assert!(normalise_phone("090-1234-567８９").is_err());
    }

    #[test]
    fn mail_addresses_are_folded_and_checked() {
        assert_eq!(
            normalise_mail(" Hanako.Yamada+meguri@Example.JP ").unwrap(),
            "hanako.yamada+meguri@example.jp"
        );
        assert_eq!(
            normalise_mail("ｈａｎａｋｏ＠ｅｘａｍｐｌｅ．ｊｐ").unwrap(),
            "hanako@example.jp"
        );
        for bad in [
            "",
            "hanako",
            "hanako@",
            "@example.jp",
            "hanako@example",
            "hana ko@example.jp",
            "hanako@exa_mple.jp",
            "hanako@-example.jp",
            "hanako@example..jp",
            "a@b@example.jp",
            "hanako@example.jp\r\nBcc: x@example.jp",
            "<hanako@example.jp>",
            "花子@example.jp",
        ] {
            assert!(normalise_mail(bad).is_err(), "{bad:?}");
        }
        assert!(normalise_mail(&format!("{}@example.jp", "a".repeat(65))).is_err());
    }

    #[test]
    fn problems_collect_every_field() {
        let mut p = Problems::default();
        assert_eq!(
            p.check("phone", normalise_phone("0901234567")),
            Some("0901234567".into())
        );
        assert_eq!(p.check("mail", normalise_mail("nope")), None);
        p.add("login", Msg::LoginLength);
        assert!(p.has("mail") && p.has("login") && !p.has("phone"));
        let fields: Vec<&str> = p.iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["mail", "login"]);
        assert!(p.into_result().is_err());
        assert!(Problems::default().into_result().is_ok());
    }
}

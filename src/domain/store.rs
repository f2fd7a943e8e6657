//! A store (加盟店) as data: its status, and its profile — the fields the directory shows,
//! the bank account settlement pays into — with the one check every way a profile arrives
//! goes through (the API, the application and profile forms, the city's list, the demo
//! fixture). Adding a field means this type, `StoreProfile::validate`, the row mapping in
//! `db::stores` and the form in `web::pages::store_form`.

use crate::i18n::Msg;
use serde::{Deserialize, Serialize};

use super::Text;
use super::kana::{reading_katakana, search_key};
use super::kinds::{Code, code_enum};
use super::text::{is_typed_text, normalise_phone};

code_enum! {
    /// Whether a store takes part: only an active store is listed and moves value.
    StoreStatus in "store_statuses" {
        Active = "active",
        /// Stopped by the secretariat for a violation; it can be reinstated.
        Suspended = "suspended",
        /// Left the scheme (or was struck off).
        Removed = "removed",
    }
}

impl StoreStatus {
    /// A status as sent by a form or a request; an unknown one is refused with a message.
    pub fn from_wire(s: &str) -> Result<StoreStatus, Text> {
        StoreStatus::parse(s.trim()).ok_or_else(|| Text::new(Msg::StatusMustBeActiveSuspended))
    }
}

/// Keywords typed as one line, split on commas (ASCII, full-width or 、).
pub fn split_keywords(line: &str) -> Vec<String> {
    line.split([',', '、', '，'])
        .map(|w| w.trim().to_owned())
        .filter(|w| !w.is_empty())
        .collect()
}

/// What a store can take: electronic money, discount coupons, community points.
pub const MEDIA: &[&str] = &["money", "coupons", "points"];

/// A store's profile as a person (or the city's list) gives it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreProfile {
    pub name: String,
    pub name_kana: String,
    pub category: String,
    pub address: String,
    pub phone: Option<String>,
    pub hours: Option<String>,
    pub holidays: Option<String>,
    pub pr: Option<String>,
    pub url: Option<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    /// Empty means money only.
    #[serde(default)]
    pub accepts: Vec<String>,
    #[serde(default)]
    pub sells_cards: bool,
    /// Where settlement pays; stores read back for pages never carry it (it is sealed).
    #[serde(default)]
    pub bank: Option<BankAccount>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BankAccount {
    pub bank_code: String,
    pub branch_code: String,
    pub account_type: String,
    pub account_number: String,
    pub holder_kana: String,
}

fn invalid(m: Msg) -> Text {
    Text::new(m)
}

impl BankAccount {
    /// Shape checks of a Japanese bank account (the code lists arrive with settlement).
    pub fn validate(&self) -> Result<(), Text> {
        let digits = |s: &str, n: usize| s.len() == n && s.chars().all(|c| c.is_ascii_digit());
        if !digits(&self.bank_code, 4) {
            return Err(invalid(Msg::BankCodeMustBe4));
        }
        if !digits(&self.branch_code, 3) {
            return Err(invalid(Msg::BranchCodeMustBe3));
        }
        if !matches!(self.account_type.as_str(), "ordinary" | "current") {
            return Err(invalid(Msg::AccountTypeMustBeOrdinary));
        }
        if !digits(&self.account_number, 7) {
            return Err(invalid(Msg::AccountNumberMustBe7));
        }
        let kana_ok = |c: char| {
            matches!(c, 'ァ'..='ヶ' | 'ー' | '　' | ' ' | '（' | '）' | '(' | ')' | '.' | '．' | '-' | 'ｦ'..='ﾟ')
                || c.is_ascii_uppercase()
                || c.is_ascii_digit()
        };
        let h = self.holder_kana.trim();
        if h.is_empty() || h.chars().count() > 30 || !h.chars().all(kana_ok) {
            return Err(invalid(Msg::HolderKanaMustBeThe));
        }
        Ok(())
    }
}

impl StoreProfile {
    /// Checks a profile as a person entered it; the message names the field in both
    /// languages.
    pub fn validate(&self) -> Result<(), Text> {
        let text = |label: Msg, v: &str, max: usize| -> Result<(), Text> {
            if !is_typed_text(v) {
                return Err(Text::new(Msg::FieldHasControlCharacters).with_msg("field", label));
            }
            let n = v.trim().chars().count();
            if n == 0 || n > max {
                return Err(Text::new(Msg::FieldLength)
                    .with_msg("field", label)
                    .with("max", max));
            }
            Ok(())
        };
        text(Msg::FieldStoreName, &self.name, 100)?;
        text(Msg::FieldStoreNameKana, &self.name_kana, 100)?;
        text(Msg::FieldCategory, &self.category, 40)?;
        text(Msg::FieldAddress, &self.address, 200)?;
        for (label, v, max) in [
            (Msg::FieldHours, &self.hours, 200),
            (Msg::FieldHolidays, &self.holidays, 200),
            (Msg::FieldPr, &self.pr, 2000),
            (Msg::FieldUrl, &self.url, 500),
        ] {
            if let Some(v) = v {
                text(label, v, max)?;
            }
        }
        if let Some(u) = &self.url
            && !(u.starts_with("https://") || u.starts_with("http://"))
        {
            return Err(invalid(Msg::UrlMustStartWithHttps));
        }
        if self.keywords.len() > 20
            || self
                .keywords
                .iter()
                .any(|k| k.trim().is_empty() || k.chars().count() > 40)
        {
            return Err(invalid(Msg::KeywordsAtMost20Each));
        }
        if self.lat.is_some_and(|v| !(-90.0..=90.0).contains(&v))
            || self.lng.is_some_and(|v| !(-180.0..=180.0).contains(&v))
        {
            return Err(invalid(Msg::LatLngAreOutOf));
        }
        if self.lat.is_some() != self.lng.is_some() {
            return Err(invalid(Msg::GiveBothLatAndLng));
        }
        if let Some(bad) = self.accepts.iter().find(|m| !MEDIA.contains(&m.as_str())) {
            return Err(Text::new(Msg::UnknownMedium).with("medium", bad));
        }
        if let Some(p) = &self.phone {
            normalise_phone(p)?;
        }
        if let Some(b) = &self.bank {
            b.validate()?;
        }
        Ok(())
    }

    /// The profile as stored: the required texts trimmed, the reading in full-width
    /// katakana (`kana::reading_katakana`), the phone number in digits, money when no
    /// medium was given.
    pub fn normalised(&self) -> Result<StoreProfile, Text> {
        let accepts = if self.accepts.is_empty() {
            vec!["money".to_owned()]
        } else {
            self.accepts.clone()
        };
        Ok(StoreProfile {
            name: self.name.trim().to_owned(),
            name_kana: reading_katakana(&self.name_kana),
            category: self.category.trim().to_owned(),
            address: self.address.trim().to_owned(),
            phone: self.phone.as_deref().map(normalise_phone).transpose()?,
            accepts,
            ..self.clone()
        })
    }

    /// What the directory's search matches (see `kana::search_key`): name, reading,
    /// keywords (with the readings written beside them, `野菜(やさい)`), the address and
    /// the PR text. Fields are joined by a character no query holds, so a match never
    /// spans two of them.
    pub fn search_key(&self) -> String {
        [
            self.name.as_str(),
            &self.name_kana,
            &self.keywords.join("\u{1F}"),
            &self.address,
            self.pr.as_deref().unwrap_or(""),
        ]
        .iter()
        .map(|f| search_key(f))
        .collect::<Vec<_>>()
        .join("\u{1F}")
    }
}

/// The characters of a store's short code: no 0/O, 1/I/L, which are read one for another.
pub const SHORT_CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// How long a store's short code is.
pub const SHORT_CODE_LEN: usize = 6;

/// A store code as a customer typed it, folded: full-width characters to ASCII (NFKC),
/// spaces and hyphens (which people put in to read it) dropped. The long code of the
/// printed QR codes is case-sensitive, so the case stays; see `short_code_of`.
pub fn typed_store_code(typed: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    typed.nfkc().filter(|c| c.is_ascii_alphanumeric()).collect()
}

/// The short code a typed code would be, in any case: upper case, or `None` when it is
/// not 6 characters of the alphabet.
pub fn short_code_of(typed: &str) -> Option<String> {
    let code = typed_store_code(typed).to_ascii_uppercase();
    (code.len() == SHORT_CODE_LEN && code.bytes().all(|b| SHORT_CODE_ALPHABET.contains(&b)))
        .then_some(code)
}

#[cfg(test)]
mod tests {
    use super::{short_code_of, typed_store_code};

    #[test]
    fn a_short_code_is_read_in_any_case_and_width() {
        for typed in ["AB2C3D", "ab2c3d", "ＡＢ２ｃ３ｄ", " ab2-c3d ", "ab2　c3d"] {
            assert_eq!(short_code_of(typed).as_deref(), Some("AB2C3D"), "{typed:?}");
        }
        for bad in [
            "", "AB2C3", "AB2C3DE", "AB0C3D", "ABOC3D", "AB1C3D", "ABIC3D", "ABLC3D",
        ] {
            assert_eq!(short_code_of(bad), None, "{bad:?}");
        }
        assert_eq!(
            typed_store_code("ＡｂＣ-1２3"),
            "AbC123",
            "the long code keeps its case"
        );
    }

    use super::*;

    #[test]
    fn statuses_parse_from_their_codes_only() {
        assert_eq!(StoreStatus::parse("active"), Some(StoreStatus::Active));
        assert_eq!(
            StoreStatus::parse("suspended"),
            Some(StoreStatus::Suspended)
        );
        assert_eq!(StoreStatus::parse("removed"), Some(StoreStatus::Removed));
        assert_eq!(StoreStatus::Suspended.code(), "suspended");
        assert_eq!(StoreStatus::TABLE, "store_statuses");
        for bad in ["", "Active", "closed", "deleted", " active x"] {
            assert_eq!(StoreStatus::parse(bad), None, "{bad:?}");
            assert!(StoreStatus::from_wire(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            StoreStatus::from_wire(" removed\n"),
            Ok(StoreStatus::Removed)
        );
        let e = StoreStatus::from_wire("closed").unwrap_err();
        assert_eq!(e.msg, Msg::StatusMustBeActiveSuspended);
    }

    fn shop() -> StoreProfile {
        StoreProfile {
            name: " 花屋 ".into(),
            name_kana: "ハナヤ".into(),
            category: "その他".into(),
            address: "本町1".into(),
            phone: Some("０２７(３８２)１１１１".into()),
            ..StoreProfile::default()
        }
    }

    #[test]
    fn a_profile_is_checked_and_normalised() {
        let p = shop();
        assert_eq!(p.validate(), Ok(()));
        let n = p.normalised().unwrap();
        assert_eq!(n.name, "花屋");
        assert_eq!(n.phone.as_deref(), Some("0273821111"));
        assert_eq!(n.accepts, ["money"]);
        let typed = StoreProfile {
            name_kana: "ﾊﾅﾔ".into(),
            ..shop()
        };
        assert_eq!(typed.normalised().unwrap().name_kana, "ハナヤ");
        let typed = StoreProfile {
            name_kana: " はなや ".into(),
            ..shop()
        };
        assert_eq!(typed.normalised().unwrap().name_kana, "ハナヤ");
        let bad = StoreProfile {
            url: Some("ftp://x".into()),
            ..shop()
        };
        assert_eq!(bad.validate().unwrap_err().msg, Msg::UrlMustStartWithHttps);
        let bad = StoreProfile {
            lat: Some(36.0),
            ..shop()
        };
        assert!(bad.validate().is_err(), "lat without lng");
        let bad = StoreProfile {
            accepts: vec!["gold".into()],
            ..shop()
        };
        assert!(
            bad.validate()
                .unwrap_err()
                .in_lang(crate::i18n::Lang::Ja)
                .contains("gold")
        );
        assert_eq!(split_keywords(" a, b、c，,"), ["a", "b", "c"]);
    }

    #[test]
    fn the_search_key_covers_pr_address_and_keyword_readings() {
        let p = StoreProfile {
            keywords: vec!["野菜(やさい)".into(), "ケーキ".into()],
            pr: Some("朝どれトマト".into()),
            address: "めぐり市本町1".into(),
            ..shop()
        };
        let key = p.search_key();
        for q in [
            "やさい",
            "ﾔｻｲ",
            "野菜",
            "けーき",
            "トマト",
            "とまと",
            "メグリ市",
            "はなや",
        ] {
            assert!(key.contains(&search_key(q)), "{q} in {key}");
        }
        // A match never runs from one field into the next.
        assert!(!key.contains(&search_key("花屋はなや")));
    }

    #[test]
    fn the_stored_form_of_a_profile_is_its_field_names() {
        let p = shop();
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["name_kana"], "ハナヤ");
        assert_eq!(json["bank"], serde_json::Value::Null);
        let back: StoreProfile = serde_json::from_value(json).unwrap();
        assert_eq!(back, p);
        // Optional fields may be left out; unknown ones are refused.
        let min: StoreProfile =
            serde_json::from_str(r#"{"name":"a","name_kana":"ア","category":"c","address":"x"}"#)
                .unwrap();
        assert!(min.keywords.is_empty() && !min.sells_cards && min.bank.is_none());
        assert!(
            serde_json::from_str::<StoreProfile>(
                r#"{"name":"a","name_kana":"ア","category":"c","address":"x","extra":1}"#
            )
            .is_err()
        );
    }
}

//! Search keys for Japanese text: hiragana and katakana, full and half width, upper and
//! lower case are treated alike, so "ｶﾌｪ", "カフェ", "かふぇ" all find the same store.

use unicode_normalization::UnicodeNormalization;

/// Folds text into its search key: NFKC (half-width kana and full-width Latin become
/// standard forms), katakana to hiragana, lower case, white space removed.
pub fn search_key(text: &str) -> String {
    let folded: String = text
        .nfkc()
        .filter(|c| !c.is_whitespace())
        .map(katakana_to_hiragana)
        .flat_map(char::to_lowercase)
        .collect();
    // Removing a space can leave a combining mark next to a letter it now composes with.
    folded.nfkc().collect()
}

/// A reading (読み仮名) as stored: NFKC (half-width katakana become full width, full-width
/// Latin and digits become ASCII), hiragana turned into katakana, spaces at the ends
/// trimmed. "はなや", "ﾊﾅﾔ" and "ハナヤ" are all stored as "ハナヤ".
pub fn reading_katakana(text: &str) -> String {
    let folded: String = text.nfkc().map(hiragana_to_katakana).collect();
    // Turning a letter can leave a voicing mark that now composes with it.
    folded.nfkc().collect::<String>().trim().to_owned()
}

fn hiragana_to_katakana(c: char) -> char {
    match c {
        // ぁ..ゖ map onto ァ..ヶ at a fixed distance (the reverse of `katakana_to_hiragana`).
        '\u{3041}'..='\u{3096}' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
        _ => c,
    }
}

fn katakana_to_hiragana(c: char) -> char {
    match c {
        // ァ..ヶ map onto ぁ..ゖ at a fixed distance.
        '\u{30A1}'..='\u{30F6}' => char::from_u32(c as u32 - 0x60).unwrap_or(c),
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn kana_and_width_fold_together() {
        let k = search_key("カフェ");
        assert_eq!(search_key("ｶﾌｪ"), k);
        assert_eq!(search_key("かふぇ"), k);
        assert_eq!(search_key("ＣＡＦＥ Ｍｅｇｕｒｉ"), "cafemeguri");
        assert_eq!(search_key("パン"), search_key("ﾊﾟﾝ"));
    }

    #[test]
    fn readings_are_stored_in_full_width_katakana() {
        assert_eq!(reading_katakana("はなや"), "ハナヤ");
        assert_eq!(reading_katakana("ﾊﾅﾔ"), "ハナヤ");
        assert_eq!(reading_katakana("ﾒｸﾞﾘ ｾｲｶﾃﾝ"), "メグリ セイカテン");
        assert_eq!(reading_katakana(" きっさ　ひだまり "), "キッサ ヒダマリ");
        assert_eq!(reading_katakana("ぱん・ＡＢＣ"), "パン・ABC");
        assert_eq!(reading_katakana("ハナヤ"), "ハナヤ");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn folding_is_idempotent(s in "\\PC{0,20}") {
            let once = search_key(&s);
            prop_assert_eq!(search_key(&once), once);
        }

        #[test]
        fn readings_are_idempotent_and_search_alike(s in "\\PC{0,20}") {
            let once = reading_katakana(&s);
            prop_assert_eq!(reading_katakana(&once), once.clone());
            prop_assert_eq!(search_key(&once), search_key(s.trim()));
        }
    }
}

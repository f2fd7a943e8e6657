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

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn folding_is_idempotent(s in "\\PC{0,20}") {
            let once = search_key(&s);
            prop_assert_eq!(search_key(&once), once);
        }
    }
}

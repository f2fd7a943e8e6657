//! Exports: view-models in, bytes out. No database, no HTTP.

/// A CSV table as Excel in Japan opens it: UTF-8 with a byte-order mark, a header row,
/// CRLF line ends, fields quoted where needed.
pub fn csv(header: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    // Writing to memory cannot fail.
    let _ = w.write_record(header);
    for r in rows {
        let _ = w.write_record(r.iter().map(|f| neutralise_formula(f)));
    }
    w.into_inner().unwrap_or_default()
}

/// A field that starts like a spreadsheet formula is prefixed with an apostrophe, so a
/// store name cannot run a formula in the city's Excel — except plain numbers such as
/// `-300`. It is judged after NFKC normalisation, because Excel (with a Japanese IME in
/// mind) reads the full-width `＝`, `＋`, `－`, `＠` and their small and compatibility
/// forms like the ASCII ones, and after leading spaces and control characters, which it
/// skips. The minus sign `−` (U+2212, what IMEs type for a minus) counts as `-`.
fn neutralise_formula(f: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let folded: String = f.nfkc().collect();
    let numeric = folded.parse::<i64>().is_ok();
    let first = folded
        .chars()
        .find(|c| !(c.is_whitespace() || c.is_control()));
    let leads_with_control = f.starts_with(|c: char| c.is_control());
    let formula = matches!(first, Some('=' | '+' | '-' | '@' | '\u{2212}'));
    if !numeric && (formula || leads_with_control) {
        format!("'{f}")
    } else {
        f.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_header_quotes_and_formulas() {
        let out = csv(
            &["日時", "店舗", "金額"],
            &[
                vec![
                    "2024-12-01 10:00".into(),
                    "店, \"本店\"".into(),
                    "-300".into(),
                ],
                vec!["x".into(), "=HYPERLINK(1)".into(), "5".into()],
            ],
        );
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with('\u{feff}'));
        assert_eq!(
            text.trim_start_matches('\u{feff}'),
            "日時,店舗,金額\r\n2024-12-01 10:00,\"店, \"\"本店\"\"\",-300\r\nx,'=HYPERLINK(1),5\r\n"
        );
    }

    #[test]
    fn formulas_in_any_width_or_behind_spaces_are_neutralised() {
        for f in [
            "=1+1",
            "＝HYPERLINK(\"http://x\")",
            "﹦1",
            "＋cmd|' /C calc'!A0",
            "﹢A1",
            "－A1",
            "﹣A1",
            "−A1",
            "＠SUM(A1)",
            "﹫A1",
            "\t=1",
            "\r=1",
            "\n=1",
            " =1",
            "\u{3000}＝1",
            "\t",
        ] {
            assert_eq!(neutralise_formula(f), format!("'{f}"), "{f:?}");
        }
        for f in [
            "-300",
            "－３００",
            "300",
            "めぐり青果店",
            "本町1−1",
            "a=b",
            "",
        ] {
            assert_eq!(neutralise_formula(f), f, "{f:?}");
        }
    }
}

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

/// A field that starts like a spreadsheet formula (`=`, `+`, `-`, `@`) is prefixed with an
/// apostrophe, so a store name cannot run a formula in the city's Excel — except plain
/// numbers such as `-300`.
fn neutralise_formula(f: &str) -> String {
    let numeric = f.parse::<i64>().is_ok();
    if !numeric && f.starts_with(['=', '+', '-', '@', '\t', '\r']) {
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
}

//! Imports: bytes in, rows of text out. No database, no HTTP.

use std::io::Cursor;

use calamine::{Reader, Xlsx, open_workbook_from_rs};

/// Why a file could not be read as a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable(pub String);

/// The first sheet of an .xlsx file, or a CSV file (UTF-8 with or without BOM, or the
/// Shift_JIS that Japanese Excel writes), as rows of cell text.
pub fn table(bytes: &[u8]) -> Result<Vec<Vec<String>>, Unreadable> {
    if bytes.starts_with(b"PK\x03\x04") {
        return xlsx(bytes);
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.trim_start_matches('\u{feff}').to_owned(),
        Err(_) => {
            let (t, _, bad) = encoding_rs::SHIFT_JIS.decode(bytes);
            if bad {
                return Err(Unreadable(
                    "the file is neither UTF-8 nor Shift_JIS text".into(),
                ));
            }
            t.into_owned()
        }
    };
    let mut rows = Vec::new();
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    for rec in r.records() {
        let rec = rec.map_err(|e| Unreadable(format!("CSV: {e}")))?;
        rows.push(rec.iter().map(|f| f.trim().to_owned()).collect());
    }
    Ok(rows)
}

fn xlsx(bytes: &[u8]) -> Result<Vec<Vec<String>>, Unreadable> {
    let mut wb: Xlsx<_> =
        open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| Unreadable(format!("Excel: {e}")))?;
    let range = wb
        .worksheet_range_at(0)
        .ok_or_else(|| Unreadable("the workbook has no sheet".into()))?
        .map_err(|e| Unreadable(format!("Excel: {e}")))?;
    Ok(range
        .rows()
        .map(|row| {
            row.iter()
                .map(|c| c.to_string().trim().to_owned())
                .collect()
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_in_utf8_and_shift_jis() {
        let utf8 = "\u{feff}店名,業種\r\n青果店,\"食料品, 野菜\"\r\n".as_bytes();
        assert_eq!(
            table(utf8).unwrap(),
            vec![vec!["店名", "業種"], vec!["青果店", "食料品, 野菜"]]
        );
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("店名,業種\r\nｶﾌｪ,飲食店\r\n");
        assert_eq!(table(&sjis).unwrap()[1], vec!["ｶﾌｪ", "飲食店"]);
        assert!(table(b"PK\x03\x04garbage").is_err());
    }
}

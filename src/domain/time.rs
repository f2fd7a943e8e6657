//! Business time: Japan Standard Time (+09:00, no daylight saving), so a fixed offset is
//! exact. Timestamps are stored as Unix seconds; these helpers convert and format them.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeZone, Utc};

/// Asia/Tokyo as a fixed offset.
pub fn jst() -> FixedOffset {
    FixedOffset::east_opt(9 * 3600).expect("+09:00 is a valid offset")
}

/// A Unix timestamp (seconds) as a JST date-time.
pub fn from_unix(secs: i64) -> DateTime<FixedOffset> {
    Utc.timestamp_opt(secs, 0)
        .single()
        .unwrap_or_default()
        .with_timezone(&jst())
}

/// RFC 3339 with the JST offset, as the API writes times.
pub fn rfc3339(secs: i64) -> String {
    from_unix(secs).to_rfc3339()
}

/// Parses an RFC 3339 time with an explicit offset.
pub fn parse_rfc3339(s: &str) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(s.trim()).ok()
}

/// Parses a JST wall-clock time as a form's `datetime-local` field sends it
/// (`2024-12-01T10:00`, seconds optional).
pub fn parse_local_datetime(s: &str) -> Option<i64> {
    let s = s.trim();
    let naive = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
        .ok()?;
    jst()
        .from_local_datetime(&naive)
        .single()
        .map(|t| t.timestamp())
}

/// Parses a JST calendar date `2024-12-01`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// Today's colour of the payment completion screen (0..7), changing every JST day, so a
/// screenshot from another day does not pass for a live payment at the till.
pub fn day_colour(secs: i64) -> usize {
    let days = (secs + 9 * 3600).div_euclid(86_400);
    // A stride coprime to 7 makes neighbouring days differ strongly.
    (days * 3).rem_euclid(7) as usize
}

/// `10:05:32` in JST.
pub fn format_time_seconds(secs: i64) -> String {
    from_unix(secs).format("%H:%M:%S").to_string()
}

const WEEKDAYS_JA: [&str; 7] = ["月", "火", "水", "木", "金", "土", "日"];

/// `2024年12月1日(日)` as the city's style guide writes dates.
pub fn format_date_ja(secs: i64) -> String {
    let t = from_unix(secs);
    format!(
        "{}年{}月{}日({})",
        t.year(),
        t.month(),
        t.day(),
        WEEKDAYS_JA[t.weekday().num_days_from_monday() as usize]
    )
}

/// `2024年12月1日(日) 10:05` in JST.
pub fn format_datetime_ja(secs: i64) -> String {
    format!(
        "{} {}",
        format_date_ja(secs),
        from_unix(secs).format("%H:%M")
    )
}

/// `2024-12-01 10:05` in JST, for the English pages.
pub fn format_datetime_en(secs: i64) -> String {
    from_unix(secs).format("%Y-%m-%d %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_in_jst() {
        // 2024-11-30T15:00:00Z is 2024-12-01 00:00 in Tokyo, a Sunday.
        let t = parse_rfc3339("2024-11-30T15:00:00Z").unwrap().timestamp();
        assert_eq!(format_date_ja(t), "2024年12月1日(日)");
        assert_eq!(rfc3339(t), "2024-12-01T00:00:00+09:00");
        assert_eq!(format_datetime_ja(t + 305), "2024年12月1日(日) 00:05");
    }

    #[test]
    fn colour_changes_at_jst_midnight() {
        let before = parse_rfc3339("2024-12-01T23:59:59+09:00")
            .unwrap()
            .timestamp();
        assert_ne!(day_colour(before), day_colour(before + 1));
        assert_eq!(day_colour(before + 1), day_colour(before + 86_400));
        assert!((0..7).contains(&day_colour(-5)));
        assert_eq!(format_time_seconds(before), "23:59:59");
    }

    #[test]
    fn parses_form_times_as_jst() {
        let at = |s: &str| parse_rfc3339(s).unwrap().timestamp();
        assert_eq!(
            parse_local_datetime("2024-12-01T10:00"),
            Some(at("2024-12-01T10:00:00+09:00"))
        );
        assert_eq!(
            parse_local_datetime("2024-12-01T10:00:30"),
            Some(at("2024-12-01T10:00:30+09:00"))
        );
        assert_eq!(parse_local_datetime("tomorrow"), None);
    }

    #[test]
    fn parses_dates() {
        assert!(parse_date("2024-02-30").is_none());
        assert_eq!(parse_date("2024-12-01").unwrap().day(), 1);
        assert!(
            parse_rfc3339("2024-12-01T10:00:00").is_none(),
            "offset is required"
        );
    }
}
